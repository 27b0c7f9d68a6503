package dev.faas.adapter.jaxrs.callback;

import dev.faas.ports.error.InvalidRequestException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which callback URLs the platform will POST to. An https URL whose host resolves only to public addresses is
 * allowed; loopback, link-local (cloud metadata), private, carrier-grade NAT, unique-local, multicast and unspecified
 * addresses are refused, and so is plain http, unless the URL's {@code host:port} is on the operator's allow list
 * ({@code FAAS_CALLBACK_ALLOW}). URLs with user information, fragments or other schemes are refused. The check runs
 * when a call is queued and again before each delivery (a name may resolve elsewhere by then). Thread-safe.
 */
public final class CallbackTargets {

    /** The longest callback URL accepted. */
    public static final int MAX_URL_LENGTH = 2048;

    private final Set<String> allowed;

    /** @param allowed {@code host:port} entries (or {@code http(s)://host:port} origins) that skip the range rules */
    public CallbackTargets(List<String> allowed) {
        this.allowed = allowed.stream().map(CallbackTargets::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The URL, checked; resolves its host.
     *
     * @throws InvalidRequestException (field {@code callbackUrl}) naming the rule it breaks
     */
    public URI check(String url) {
        if (url == null || url.isEmpty() || url.length() > MAX_URL_LENGTH) {
            throw refused("a callback URL is 1 to " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw refused("a callback URL is https (or http to an allowed host)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null || uri.getHost() == null) {
            throw refused("a callback URL has a host and no user information or fragment");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (allowed.contains(hostPort(host, port))) {
            return uri;
        }
        if (scheme.equals("http")) {
            throw refused("plain http is allowed only to hosts on FAAS_CALLBACK_ALLOW; use https");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw refused("the callback host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            if (internal(address)) {
                throw refused("the callback host '" + host + "' resolves to an internal address ("
                        + address.getHostAddress() + "); only hosts on FAAS_CALLBACK_ALLOW may be internal");
            }
        }
        return uri;
    }

    /** Loopback, link-local, private, CGNAT, unique-local, multicast, unspecified or IPv4-mapped such. */
    static boolean internal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first == 0 || first == 10 || first == 127 || (first == 100 && second >= 64 && second < 128)
                    || (first == 169 && second == 254) || (first == 172 && second >= 16 && second < 32)
                    || (first == 192 && second == 168) || first >= 224;
        }
        if (address instanceof Inet6Address) {
            boolean uniqueLocal = (bytes[0] & 0xfe) == 0xfc;
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            mapped &= (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
            if (mapped) {
                try {
                    return internal(InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]}));
                } catch (UnknownHostException impossible) {
                    return true;
                }
            }
            return uniqueLocal;
        }
        return true;
    }

    private static String normalize(String entry) {
        String trimmed = entry.strip().toLowerCase(Locale.ROOT);
        if (trimmed.contains("://")) {
            URI uri = URI.create(trimmed);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            return hostPort(uri.getHost(), port);
        }
        return trimmed;
    }

    private static String hostPort(String host, int port) {
        return host + ":" + port;
    }

    private static InvalidRequestException refused(String reason) {
        return new InvalidRequestException("callbackUrl", reason);
    }
}
