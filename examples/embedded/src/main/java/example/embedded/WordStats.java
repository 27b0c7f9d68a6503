package example.embedded;

import dev.faas.platform.FaasPlatform;
import dev.faas.ports.model.FunctionId;
import java.util.Map;

/** A Java program that keeps a piece of its logic as a Python function, run by the embedded platform. */
public final class WordStats implements AutoCloseable {

    private static final String COUNT_WORDS = """
            def user_function(text):
                words = text.split()
                return {"words": len(words), "longest": max(words, key=len) if words else None}
            """;

    /** The function's JSON result, mapped to a Java record. */
    public record Stats(int words, String longest) {
    }

    private final FaasPlatform faas;
    private final FunctionId countWords;

    public WordStats() {
        // In-memory store and local python3 processes: nothing to install but Python.
        this.faas = FaasPlatform.builder().build();
        this.countWords = faas.register("count-words", COUNT_WORDS);
    }

    public Stats of(String text) {
        return faas.invoke(countWords, Map.of("text", text), Stats.class);
    }

    @Override
    public void close() {
        faas.close();
    }

    public static void main(String[] args) {
        try (WordStats stats = new WordStats()) {
            System.out.println(stats.of(args.length > 0 ? String.join(" ", args) : "the quick brown fox"));
        }
    }
}
