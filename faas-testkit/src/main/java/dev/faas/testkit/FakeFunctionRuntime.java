package dev.faas.testkit;

import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.UnableToStartInstanceException;
import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.out.FunctionRuntime;
import dev.faas.ports.out.Instance;
import dev.faas.ports.out.InstanceSpec;
import dev.faas.ports.out.RunOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scripted {@link FunctionRuntime} for tests: no Python, no processes. A function's behaviour is chosen by its
 * code text ({@link #whenCode}); unscripted code echoes its params. It counts starts, inits, runs and stops, the
 * memory limits of the instances running at once, and enforces timeouts like a real runtime (the instance is
 * killed). Thread-safe.
 */
public final class FakeFunctionRuntime implements FunctionRuntime {

    private final java.util.Queue<String> startedRuntimes = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** What a scripted function does with one call's params; may sleep, or throw any platform exception. */
    @FunctionalInterface
    public interface Behaviour {
        String run(String paramsJson) throws Exception;
    }

    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> initFailures = new ConcurrentHashMap<>();
    private final Map<String, FakeInstance> running = new ConcurrentHashMap<>();
    private final Queue<RuntimeException> startFailures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger inits = new AtomicInteger();
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger stops = new AtomicInteger();
    private final AtomicInteger maxRunningSeen = new AtomicInteger();
    private final AtomicLong runningMemoryMb = new AtomicLong();
    private final AtomicLong maxRunningMemoryMbSeen = new AtomicLong();
    private final Queue<InstanceSpec> specs = new ConcurrentLinkedQueue<>();
    private final ExecutorService callThreads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-runtime-call");
        thread.setDaemon(true);
        return thread;
    });
    /** Guards the start gate: while {@code holdingStarts}, each start waits for a permit. */
    private final Object startGate = new Object();
    private boolean holdingStarts;
    private int startPermits;
    private int startsHeld;

    /** Scripts the behaviour of every function whose code is exactly {@code code}. */
    public FakeFunctionRuntime whenCode(String code, Behaviour behaviour) {
        behaviours.put(code, behaviour);
        return this;
    }

    /** Makes {@link #init} of code that is exactly {@code code} throw {@code failure}, as a syntax error would. */
    public FakeFunctionRuntime failInitWhenCode(String code, RuntimeException failure) {
        initFailures.put(code, failure);
        return this;
    }

    /** Makes the next {@link #start} throw {@code failure}. */
    public FakeFunctionRuntime failNextStart(RuntimeException failure) {
        startFailures.add(failure);
        return this;
    }

    /**
     * Holds every later {@link #start} until the test lets it go with {@link #releaseStarts} or {@link #openStarts},
     * so a test controls when instances become ready, without sleeping.
     */
    public FakeFunctionRuntime holdStarts() {
        synchronized (startGate) {
            holdingStarts = true;
        }
        return this;
    }

    /** Lets {@code count} held starts (present or future) finish. */
    public void releaseStarts(int count) {
        synchronized (startGate) {
            startPermits += count;
            startGate.notifyAll();
        }
    }

    /** Lets every held start finish and stops holding new ones. */
    public void openStarts() {
        synchronized (startGate) {
            holdingStarts = false;
            startGate.notifyAll();
        }
    }

    /** Waits until {@code count} starts are held at the gate at once; false if that does not happen in time. */
    public boolean awaitStartsHeld(int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (startGate) {
            while (startsHeld < count) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0) {
                    return false;
                }
                startGate.wait(leftMillis);
            }
            return true;
        }
    }

    /** Starts held at the gate right now. */
    public int startsHeld() {
        synchronized (startGate) {
            return startsHeld;
        }
    }

    /** Simulates the instance dying from outside, as {@code docker kill} would. */
    public void kill(String instanceId) {
        FakeInstance instance = running.remove(instanceId);
        if (instance != null) {
            runningMemoryMb.addAndGet(-instance.memoryMb);
            instance.dead = true;
        }
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Instance start(InstanceSpec spec) {
        RuntimeException failure = startFailures.poll();
        if (failure != null) {
            throw failure;
        }
        passStartGate();
        starts.incrementAndGet();
        specs.add(spec);
        startedRuntimes.add(spec.runtime());
        FakeInstance instance = new FakeInstance("fake-" + nextId.incrementAndGet(), spec.memoryMb());
        maxRunningMemoryMbSeen.accumulateAndGet(runningMemoryMb.addAndGet(spec.memoryMb()), Math::max);
        running.put(instance.id, instance);
        maxRunningSeen.accumulateAndGet(running.size(), Math::max);
        return instance;
    }

    @Override
    public void init(Instance instance, FunctionDefinition definition) {
        FakeInstance fake = alive(instance);
        if (fake.code != null) {
            throw new IllegalStateException("instance " + fake.id + " was already specialised");
        }
        inits.incrementAndGet();
        RuntimeException failure = initFailures.get(definition.code());
        if (failure != null) {
            throw failure;
        }
        fake.code = definition.code();
    }

    @Override
    public RunOutput run(Instance instance, String paramsJson, Duration timeout) {
        FakeInstance fake = alive(instance);
        if (fake.code == null) {
            throw new IllegalStateException("instance " + fake.id + " was called before init");
        }
        if (!fake.busy.compareAndSet(0, 1)) {
            throw new IllegalStateException("two calls overlapped on instance " + fake.id);
        }
        runs.incrementAndGet();
        Behaviour behaviour = behaviours.getOrDefault(fake.code, params -> params);
        Future<String> call = callThreads.submit(() -> behaviour.run(paramsJson));
        try {
            String result = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (fake.dead) {
                throw new InstanceCrashedException("the instance was killed during the call", false, "");
            }
            return new RunOutput(result, "", false);
        } catch (TimeoutException e) {
            call.cancel(true);
            stop(fake);
            throw new InstanceTimeoutException(timeout, "");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtimeException) {
                throw runtimeException;
            }
            throw new IllegalStateException("a fake behaviour threw a checked exception", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstanceCrashedException("interrupted", e);
        } finally {
            fake.busy.set(0);
        }
    }

    @Override
    public void stop(Instance instance) {
        FakeInstance fake = (FakeInstance) instance;
        if (running.remove(fake.id) != null) {
            runningMemoryMb.addAndGet(-fake.memoryMb);
            stops.incrementAndGet();
        }
        fake.dead = true;
    }

    @Override
    public List<String> running() {
        return new ArrayList<>(running.keySet());
    }

    @Override
    public void close() {
        openStarts();
        running.values().forEach(this::stop);
        callThreads.shutdownNow();
    }

    /** The specs of every instance started so far, in order. */
    public List<InstanceSpec> specs() {
        return List.copyOf(specs);
    }

    /** The language runtime of every instance started, in order. */
    public List<String> startedRuntimes() {
        return List.copyOf(startedRuntimes);
    }

    public int starts() {
        return starts.get();
    }

    public int inits() {
        return inits.get();
    }

    public int runs() {
        return runs.get();
    }

    public int stops() {
        return stops.get();
    }

    /** The most instances that were running at the same moment. */
    public int maxRunningSeen() {
        return maxRunningSeen.get();
    }

    /** The sum of the memory limits of the instances running now. */
    public long runningMemoryMb() {
        return runningMemoryMb.get();
    }

    /** The largest sum of memory limits of instances running at the same moment. */
    public long maxRunningMemoryMbSeen() {
        return maxRunningMemoryMbSeen.get();
    }

    private FakeInstance alive(Instance instance) {
        FakeInstance fake = (FakeInstance) instance;
        if (fake.dead) {
            throw new InstanceCrashedException("instance " + fake.id + " is not running", false, "");
        }
        return fake;
    }

    private void passStartGate() {
        synchronized (startGate) {
            if (!holdingStarts) {
                return;
            }
            startsHeld++;
            startGate.notifyAll();
            try {
                while (holdingStarts && startPermits == 0) {
                    startGate.wait();
                }
                if (holdingStarts) {
                    startPermits--;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnableToStartInstanceException("interrupted while starting", e);
            } finally {
                startsHeld--;
                startGate.notifyAll();
            }
        }
    }

    private static final class FakeInstance implements Instance {
        private final String id;
        private final int memoryMb;
        private final AtomicInteger busy = new AtomicInteger();
        private volatile String code;
        private volatile boolean dead;

        private FakeInstance(String id, int memoryMb) {
            this.id = id;
            this.memoryMb = memoryMb;
        }

        @Override
        public String id() {
            return id;
        }
    }
}
