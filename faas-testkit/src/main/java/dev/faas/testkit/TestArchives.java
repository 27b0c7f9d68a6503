package dev.faas.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zip archives for tests, well-formed or deliberately not (links, lying sizes), built in memory. */
public final class TestArchives {

    private TestArchives() {
    }

    /** A zip of {@code files} (path to UTF-8 text), in the map's order. */
    public static byte[] zip(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A zip of one entry {@code name} holding {@code size} zero bytes, which deflate squeezes to almost nothing. */
    public static byte[] zeros(String name, int size) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(name));
            byte[] chunk = new byte[64 * 1024];
            for (int written = 0; written < size; written += chunk.length) {
                zip.write(chunk, 0, Math.min(chunk.length, size - written));
            }
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * {@code zip} with its central directory entry {@code name} marked as made on Unix with file mode {@code mode}
     * (such as {@code 0120777}, a symbolic link).
     */
    public static byte[] withUnixMode(byte[] zip, String name, int mode) {
        byte[] patched = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
        int position = centralEntry(buffer, name);
        buffer.putShort(position + 4, (short) ((3 << 8) | 20));
        buffer.putInt(position + 38, mode << 16);
        return patched;
    }

    /** {@code zip} with the uncompressed size its central directory declares for {@code name} set to {@code size}. */
    public static byte[] withDeclaredSize(byte[] zip, String name, int size) {
        byte[] patched = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(patched).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(centralEntry(buffer, name) + 24, size);
        return patched;
    }

    private static int centralEntry(ByteBuffer buffer, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        for (int position = 0; position + 46 < buffer.limit(); position++) {
            if (buffer.getInt(position) == 0x02014b50
                    && Short.toUnsignedInt(buffer.getShort(position + 28)) == wanted.length) {
                byte[] found = new byte[wanted.length];
                buffer.get(position + 46, found);
                if (java.util.Arrays.equals(found, wanted)) {
                    return position;
                }
            }
        }
        throw new IllegalArgumentException("no central directory entry " + name);
    }
}
