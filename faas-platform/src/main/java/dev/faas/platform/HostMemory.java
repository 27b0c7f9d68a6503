package dev.faas.platform;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host's physical memory, and the share of it a node's function instances may hold by default. Read from
 * {@code MemTotal} in {@code /proc/meminfo}, which shows the host's memory even when the platform itself runs in a
 * container (its function containers are the host's, not its own), else from the JVM's view of the machine.
 */
public final class HostMemory {

    /** The share of the host's memory that the memory limits of a node's instances may add up to by default. */
    public static final int DEFAULT_SHARE_PERCENT = 75;

    private HostMemory() {
    }

    /** {@value #DEFAULT_SHARE_PERCENT}% of the host's physical memory, in MB. */
    public static int defaultBudgetMb() {
        return (int) Math.min(Integer.MAX_VALUE, totalMb() * DEFAULT_SHARE_PERCENT / 100);
    }

    /** The host's physical memory in MB. */
    public static long totalMb() {
        Long fromProc = memTotalMb(Path.of("/proc/meminfo"));
        if (fromProc != null) {
            return fromProc;
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() / (1024 * 1024);
    }

    /** {@code MemTotal} of a meminfo file in MB, or null when it cannot be read. */
    static Long memTotalMb(Path meminfo) {
        try {
            List<String> lines = Files.readAllLines(meminfo, StandardCharsets.US_ASCII);
            for (String line : lines) {
                // "MemTotal:       24684096 kB"
                String[] fields = line.trim().split("\\s+");
                if (fields.length == 3 && fields[0].equals("MemTotal:") && fields[2].equals("kB")) {
                    return Long.parseLong(fields[1]) / 1024;
                }
            }
        } catch (IOException | NumberFormatException | SecurityException e) {
            // Not Linux, or not readable: the JVM's view below.
        }
        return null;
    }
}
