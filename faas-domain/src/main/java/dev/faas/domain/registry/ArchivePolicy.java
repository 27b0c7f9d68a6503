package dev.faas.domain.registry;

import dev.faas.ports.model.CodeArchive;

/**
 * The limits of code archives: at most {@code maxUnpackedBytes} unpacked ({@code FAAS_MAX_ARCHIVE_BYTES}) in at most
 * {@code maxFiles} entries.
 */
public record ArchivePolicy(long maxUnpackedBytes, int maxFiles) {

    public ArchivePolicy {
        if (maxUnpackedBytes < 1 || maxFiles < 1) {
            throw new IllegalArgumentException("archive limits must be positive");
        }
    }

    public static ArchivePolicy defaults() {
        return new ArchivePolicy(CodeArchive.DEFAULT_MAX_UNPACKED_BYTES, CodeArchive.DEFAULT_MAX_FILES);
    }
}
