package dev.faas.ports.model;

import dev.faas.ports.error.InvalidArchiveException;
import dev.faas.ports.error.InvalidArchiveException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * A function's code as a zip archive, checked before anything of it is written anywhere: it is a zip; it holds at most
 * {@code maxFiles} entries and {@code maxUnpackedBytes} once unpacked, both as the archive declares and as inflating
 * it actually yields (a zip bomb fails either way); no entry is absolute, climbs out with {@code ..}, or is a link
 * (symbolic links are refused, whatever they point at); and the entries its central directory lists are exactly those
 * its local headers hold (no second, hidden set of files for another unzip tool). Immutable; thread-safe.
 */
public final class CodeArchive {

    /** The default limit of the unpacked size ({@code FAAS_MAX_ARCHIVE_BYTES}): 50 MB. */
    public static final long DEFAULT_MAX_UNPACKED_BYTES = 50L * 1024 * 1024;
    /** The default most entries. */
    public static final int DEFAULT_MAX_FILES = 10_000;

    private static final int END_OF_CENTRAL_DIRECTORY = 0x06054b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int UNIX_HOST = 3;
    private static final int FILE_TYPE_MASK = 0170000;
    private static final int SYMBOLIC_LINK = 0120000;
    private static final int REGULAR_FILE = 0100000;
    private static final int DIRECTORY = 0040000;
    private static final long ZIP64_MARKER = 0xFFFFFFFFL;

    private final Map<String, byte[]> files;
    private final byte[] zip;

    private CodeArchive(Map<String, byte[]> files, byte[] zip) {
        this.files = files;
        this.zip = zip;
    }

    /** The archive's bytes, exactly as read. */
    public byte[] zip() {
        return zip.clone();
    }

    /**
     * The archive in {@code zip}, checked.
     *
     * @throws InvalidArchiveException naming the first rule it breaks
     */
    public static CodeArchive read(byte[] zip, long maxUnpackedBytes, int maxFiles) {
        Objects.requireNonNull(zip, "zip");
        List<CentralEntry> declared = centralDirectory(zip);
        if (declared.size() > maxFiles) {
            throw new InvalidArchiveException(Reason.TOO_MANY_FILES, "the archive holds " + declared.size()
                    + " entries, more than the limit of " + maxFiles);
        }
        long declaredBytes = 0;
        Set<String> declaredNames = new HashSet<>();
        for (CentralEntry entry : declared) {
            checkPath(entry.name);
            if (entry.link) {
                throw new InvalidArchiveException(Reason.LINK, "the archive's entry '" + entry.name
                        + "' is a link; links are not allowed");
            }
            if (entry.uncompressedSize == ZIP64_MARKER || entry.compressedSize == ZIP64_MARKER) {
                throw new InvalidArchiveException(Reason.TOO_LARGE, "the archive's entry '" + entry.name
                        + "' declares a size over 4 GB (zip64); the limit is " + maxUnpackedBytes + " bytes unpacked");
            }
            declaredBytes += entry.uncompressedSize;
            if (declaredBytes > maxUnpackedBytes) {
                throw new InvalidArchiveException(Reason.TOO_LARGE, "the archive declares more than "
                        + maxUnpackedBytes + " bytes unpacked, the limit");
            }
            if (!declaredNames.add(entry.name)) {
                throw new InvalidArchiveException(Reason.UNSAFE_PATH, "the archive holds '" + entry.name
                        + "' twice");
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        Set<String> localNames = new HashSet<>();
        long actualBytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                checkPath(name);
                if (!declaredNames.contains(name) || !localNames.add(name)) {
                    throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive's local entry '" + name
                            + "' is not the one its central directory lists");
                }
                if (localNames.size() > maxFiles) {
                    throw new InvalidArchiveException(Reason.TOO_MANY_FILES, "the archive holds more than "
                            + maxFiles + " entries");
                }
                java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
                int read;
                while ((read = in.read(buffer)) > 0) {
                    actualBytes += read;
                    if (actualBytes > maxUnpackedBytes) {
                        throw new InvalidArchiveException(Reason.TOO_LARGE, "the archive unpacks to more than "
                                + maxUnpackedBytes + " bytes, the limit");
                    }
                    content.write(buffer, 0, read);
                }
                if (!entry.isDirectory()) {
                    files.put(name, content.toByteArray());
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive is not a valid zip: " + e.getMessage());
        } catch (IOException e) {
            throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive cannot be read: " + e.getMessage());
        }
        if (!localNames.equals(declaredNames)) {
            throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive's entries do not match its central"
                    + " directory");
        }
        for (String file : files.keySet()) {
            for (int slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) {
                if (files.containsKey(file.substring(0, slash))) {
                    throw new InvalidArchiveException(Reason.UNSAFE_PATH, "the archive's entry '"
                            + printable(file.substring(0, slash)) + "' is both a file and a directory");
                }
            }
        }
        return new CodeArchive(files, zip.clone());
    }

    /** The regular files, by path relative to the archive's root ({@code pkg/module.py}), in archive order. */
    public Map<String, byte[]> files() {
        return java.util.Collections.unmodifiableMap(files);
    }

    /** Whether the archive holds the Python module {@code module} ({@code a.b}: {@code a/b.py} or {@code a/b/__init__.py}). */
    public boolean hasModule(String module) {
        String path = module.replace('.', '/');
        return files.containsKey(path + ".py") || files.containsKey(path + "/__init__.py");
    }

    /**
     * Whether the archive holds the JavaScript module {@code module} ({@code a.b}: {@code a/b.js}, {@code a/b.cjs},
     * {@code a/b.mjs} or {@code a/b/index.js}), as the Node.js runner looks it up.
     */
    public boolean hasScriptModule(String module) {
        String path = module.replace('.', '/');
        return files.containsKey(path + ".js") || files.containsKey(path + ".cjs") || files.containsKey(path + ".mjs")
                || files.containsKey(path + "/index.js");
    }

    /**
     * The archive's {@code package.json} at its root, when it has one and no {@code node_modules} directory there:
     * the dependencies of a Node.js archive that did not bring them along.
     */
    public java.util.Optional<String> packageDependencies() {
        byte[] text = files.get("package.json");
        boolean bundled = files.keySet().stream().anyMatch(name -> name.startsWith("node_modules/"));
        return text == null || bundled ? java.util.Optional.empty()
                : java.util.Optional.of(new String(text, StandardCharsets.UTF_8));
    }

    /** The archive's {@code requirements.txt} at its root, if it has one. */
    public java.util.Optional<String> requirements() {
        byte[] text = files.get("requirements.txt");
        return text == null ? java.util.Optional.empty()
                : java.util.Optional.of(new String(text, StandardCharsets.UTF_8));
    }

    private static void checkPath(String name) {
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.contains("\\")
                || name.contains("\0") || (name.length() > 1 && name.charAt(1) == ':')) {
            throw new InvalidArchiveException(Reason.UNSAFE_PATH, "the archive's entry '" + printable(name)
                    + "' has an absolute path");
        }
        for (String part : name.split("/", -1)) {
            if (part.equals("..") || part.equals(".")) {
                throw new InvalidArchiveException(Reason.UNSAFE_PATH, "the archive's entry '" + printable(name)
                        + "' has a '" + part + "' in its path");
            }
        }
        if (name.length() > 1024) {
            throw new InvalidArchiveException(Reason.UNSAFE_PATH, "the archive has an entry path of "
                    + name.length() + " characters");
        }
    }

    private static String printable(String name) {
        String shown = name.length() > 200 ? name.substring(0, 200) + "..." : name;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    /** The entries the central directory lists, with their declared sizes and whether each is a link. */
    private static List<CentralEntry> centralDirectory(byte[] zip) {
        ByteBuffer buffer = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int end = -1;
        // The end record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
        for (int position = zip.length - 22; position >= 0 && position >= zip.length - 22 - 65535; position--) {
            if (buffer.getInt(position) == END_OF_CENTRAL_DIRECTORY) {
                end = position;
                break;
            }
        }
        if (end < 0) {
            throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive is not a zip (no end of central"
                    + " directory)");
        }
        int count = Short.toUnsignedInt(buffer.getShort(end + 10));
        long size = Integer.toUnsignedLong(buffer.getInt(end + 12));
        long offset = Integer.toUnsignedLong(buffer.getInt(end + 16));
        if (offset + size > end || count == 0xFFFF || offset == ZIP64_MARKER) {
            throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive's central directory is damaged or"
                    + " zip64, which is not supported");
        }
        List<CentralEntry> entries = new ArrayList<>();
        int position = (int) offset;
        for (int index = 0; index < count; index++) {
            if (position + 46 > end || buffer.getInt(position) != CENTRAL_HEADER) {
                throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive's central directory is damaged");
            }
            int madeBy = Short.toUnsignedInt(buffer.getShort(position + 4)) >> 8;
            long compressedSize = Integer.toUnsignedLong(buffer.getInt(position + 20));
            long uncompressedSize = Integer.toUnsignedLong(buffer.getInt(position + 24));
            int nameLength = Short.toUnsignedInt(buffer.getShort(position + 28));
            int extraLength = Short.toUnsignedInt(buffer.getShort(position + 30));
            int commentLength = Short.toUnsignedInt(buffer.getShort(position + 32));
            long externalAttributes = Integer.toUnsignedLong(buffer.getInt(position + 38));
            if (position + 46 + nameLength > end) {
                throw new InvalidArchiveException(Reason.NOT_A_ZIP, "the archive's central directory is damaged");
            }
            String name = new String(zip, position + 46, nameLength, StandardCharsets.UTF_8);
            int unixMode = (int) (externalAttributes >>> 16);
            int type = unixMode & FILE_TYPE_MASK;
            boolean link = madeBy == UNIX_HOST && type != 0 && type != REGULAR_FILE && type != DIRECTORY;
            entries.add(new CentralEntry(name, compressedSize, uncompressedSize, link || type == SYMBOLIC_LINK
                    && madeBy == UNIX_HOST));
            position += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    private record CentralEntry(String name, long compressedSize, long uncompressedSize, boolean link) {
    }
}
