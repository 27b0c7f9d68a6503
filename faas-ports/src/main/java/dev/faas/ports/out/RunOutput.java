package dev.faas.ports.out;

/** The successful outcome of one call: the result as JSON text and the captured stdout/stderr (bounded). */
public record RunOutput(String resultJson, String logs, boolean logsTruncated) {
}
