package dev.faas.adapter.jaxrs;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether an address names this machine's loopback interface, decided from its text alone: a name is never looked
 * up, so nothing a DNS server says can make an address count as loopback. Used for where a server without API keys
 * may listen, and for the {@code Host} names it answers to.
 */
public final class LoopbackAddresses {

    private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private LoopbackAddresses() {
    }

    /**
     * Whether {@code address} is {@code localhost}, in 127.0.0.0/8, or an IPv6 loopback literal ({@code ::1}, with
     * or without brackets). Anything not provably loopback, {@code *.localhost} included, is not.
     */
    public static boolean isLoopback(String address) {
        if (address == null) {
            return false;
        }
        String text = address.strip().toLowerCase(Locale.ROOT);
        if (text.startsWith("[") && text.endsWith("]")) {
            text = text.substring(1, text.length() - 1);
        }
        if (text.equals("localhost")) {
            return true;
        }
        if (IPV4_LITERAL.matcher(text).matches()) {
            String[] octets = text.split("\\.");
            for (String octet : octets) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return Integer.parseInt(octets[0]) == 127;
        }
        if (!text.contains(":") || !text.matches("[0-9a-f:.]+")) {
            return false;
        }
        try {
            // Text of hex digits and colons is parsed as an IPv6 literal, never resolved.
            return InetAddress.getByName(text).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
