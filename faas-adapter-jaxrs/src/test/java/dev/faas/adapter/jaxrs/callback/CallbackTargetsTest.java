package dev.faas.adapter.jaxrs.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InvalidRequestException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The callback rules on literal addresses only: no name is looked up but localhost, so nothing leaves the machine. */
class CallbackTargetsTest {

    private final CallbackTargets targets = new CallbackTargets(List.of("127.0.0.1:8099", "http://[::1]:9000"));

    @Test
    void internalRanges_areRecognised() throws Exception {
        for (String internal : List.of("127.0.0.1", "127.255.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                "192.168.0.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3",
                "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
                "::ffff:127.0.0.1", "::ffff:169.254.169.254", "ff02::1")) {
            assertThat(CallbackTargets.internal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("8.8.8.8", "172.15.0.1", "172.32.0.1", "100.63.255.255", "100.128.0.1",
                "193.0.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8")) {
            assertThat(CallbackTargets.internal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void refusedUrls_nameTheCallbackUrlField() {
        for (String url : List.of("http://127.0.0.1:8098/", "https://127.0.0.1/", "https://localhost:8099/",
                "https://169.254.169.254/latest/meta-data/", "https://[::1]/", "https://10.0.0.1/",
                "https://[::ffff:127.0.0.1]/", "https://[fd00::1]/", "file:///etc/passwd", "ftp://127.0.0.1:8099/",
                "https://user:secret@127.0.0.1:8099/", "http://8.8.8.8/", "https://8.8.8.8/#fragment",
                "not a url", "", "https:///nohost", "https://" + "a".repeat(2050) + "/")) {
            assertThatThrownBy(() -> targets.check(url)).as(url)
                    .isInstanceOfSatisfying(InvalidRequestException.class,
                            e -> assertThat(e.field()).isEqualTo("callbackUrl"));
        }
    }

    @Test
    void allowedHostsAndPublicHttpsAddresses_pass() {
        assertThat(targets.check("http://127.0.0.1:8099/hook").getPort()).isEqualTo(8099);
        assertThat(targets.check("https://127.0.0.1:8099/hook")).isNotNull();
        assertThat(targets.check("http://[::1]:9000/x")).isNotNull();
        assertThat(targets.check("https://8.8.8.8/hook")).isNotNull();
    }
}
