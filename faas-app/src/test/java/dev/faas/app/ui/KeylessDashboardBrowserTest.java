package dev.faas.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.app.reliability.ServerUnderTest;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * On a server without API keys (loopback only) the dashboard asks for no key, and its own calls, being same-origin,
 * pass the guard that keeps other sites' pages from driving such a server; a page of another origin still cannot.
 */
@Tag("browser")
class KeylessDashboardBrowserTest {

    @RegisterExtension
    static final DashboardInBrowser DASHBOARD = DashboardInBrowser.against(Map.of("FAAS_PREWARM", "0"));

    private final ServerUnderTest server = DASHBOARD.server();
    private final Browser browser = DASHBOARD.browser();

    @Test
    void noSignIn_andTheDashboardsOwnCallsPassTheGuard_whileAnotherOriginsDoNot() {
        browser.open("http://localhost:" + server.port() + "/ui#/register");
        browser.awaitText(By.id("who"), "No API key needed");
        assertThat(browser.present(By.id("api-key"))).isFalse();
        assertThat(browser.driver.findElement(By.id("signout")).isDisplayed()).isFalse();
        browser.await(By.id("reg-name")).sendKeys("open");
        browser.driver.findElement(By.id("register-submit")).click();
        browser.awaitText(By.id("registered-id"), "open-1");
        browser.driver.findElement(By.id("invoke-registered")).click();
        browser.await(By.id("invoke-submit")).click();
        browser.awaitText(By.id("invoke-result"), "\"Hello, World!\"");
        browser.open("http://localhost:" + server.port() + "/ui#/functions");
        browser.await(By.cssSelector("tr[data-function='open']"));
        browser.screenshots("14-keyless-functions");

        // A page of another origin (the same server under another loopback name is another origin) is refused. The
        // dashboard's own pages could not even try (their CSP allows requests to their own origin only), so the
        // script runs on a page without one: a 404 problem document of the other origin.
        browser.open("http://127.0.0.1:" + server.port() + "/no-such-page");
        Object status = browser.asyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('http://localhost:" + server.port() + "/register', {method: 'POST', mode: 'no-cors',"
                + " body: JSON.stringify({name: 'forged', code: 'def user_function():\\n    return 1\\n'})})"
                + ".then(() => fetch('/functions/forged', {cache: 'no-store'})).then(r => done(r.status),"
                + " e => done(String(e)));");
        assertThat(status).isEqualTo(404L);
    }
}
