package dev.faas.adapter.jaxrs;

import java.io.IOException;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Serves requests that offer an HTTP/2 upgrade ({@code Upgrade: h2c}, sent by Java's own HttpClient) as plain
 * HTTP/1.1. Without HTTP/2 filters Grizzly stops reading the body of such a request and the call hangs until a
 * timeout (Grizzly issue 1972, Jersey issue 6059); declining the upgrade is what RFC 9110 allows a server to do.
 */
final class H2cUpgradeIgnoringAddOn implements AddOn {

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("no HTTP codec in Grizzly's filter chain");
        }
        builder.add(codec + 1, new DeclineH2cFilter());
    }

    private static final class DeclineH2cFilter extends BaseFilter {

        @Override
        public NextAction handleEvent(FilterChainContext context, FilterChainEvent event) throws IOException {
            if (event instanceof HttpEvents.IncomingHttpUpgradeEvent upgrade) {
                HttpHeader header = upgrade.getHttpHeader();
                if ("h2c".equalsIgnoreCase(header.getUpgrade())) {
                    header.setIgnoreContentModifiers(false);
                    header.getUpgradeDC().recycle();
                    return context.getStopAction();
                }
            }
            return context.getInvokeAction();
        }
    }
}
