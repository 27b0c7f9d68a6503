package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs a task on many threads released at the same moment, for the contract tests' races. */
public final class Concurrently {

    /** One thread's share of the work; {@code thread} counts from 0. */
    @FunctionalInterface
    public interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    private Concurrently() {
    }

    /** Runs {@code task(i)} for i in 0..threads-1, each on its own thread, all released at once by a start gate. */
    public static <T> List<T> run(int threads, ThreadTask<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch startGate = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                Callable<T> callable = () -> {
                    ready.countDown();
                    startGate.await();
                    return task.run(thread);
                };
                futures.add(executor.submit(callable));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).as("all threads ready").isTrue();
            startGate.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(90, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }
}
