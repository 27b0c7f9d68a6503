package example.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WordStatsTest {

    @Test
    void countsWordsWithTheEmbeddedFunction() {
        try (WordStats stats = new WordStats()) {
            assertEquals(new WordStats.Stats(4, "quick"), stats.of("the quick brown fox"));
            assertEquals(new WordStats.Stats(0, null), stats.of(""));
        }
    }
}
