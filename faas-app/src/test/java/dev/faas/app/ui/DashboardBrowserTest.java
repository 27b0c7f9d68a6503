package dev.faas.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.app.reliability.ServerUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against the real server (process runtime) with an admin and an invoke
 * key: the whole scenario of a user (sign in, register with a syntax error then without, invoke, see the instance warm
 * on the node page, delete), what an invoke key sees, markup in results and logs shown as text with the CSP blocking an
 * injected inline script, and Swagger UI on the served document. Every page is saved as a screenshot at desktop and
 * phone width under {@code target/dashboard-screenshots/}. No page may log a Content-Security-Policy refusal of its
 * own assets, which would mean an inline script or style, or a request to another origin.
 */
@Tag("browser")
class DashboardBrowserTest {

    static final String ADMIN_KEY = "ui-admin-key-0123456789abcdef";
    static final String INVOKE_KEY = "ui-invoke-key-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final DashboardInBrowser DASHBOARD = DashboardInBrowser.against(Map.of(
            "FAAS_API_KEYS", ADMIN_KEY + ":admin," + INVOKE_KEY + ":invoke", "FAAS_PREWARM", "1"));

    private final ServerUnderTest server = DASHBOARD.server();
    private final Browser browser = DASHBOARD.browser();

    @BeforeEach
    void signedOut() {
        browser.open(base() + "/ui");
        browser.script("sessionStorage.clear()");
        browser.driver.navigate().refresh();
        browser.await(By.id("api-key"));
        browser.forgetConsole();
    }

    @Test
    void admin_signsIn_registers_seesTheSyntaxErrorsLine_invokes_seesItWarm_andDeletes() throws Exception {
        browser.screenshots("01-sign-in");
        signIn(ADMIN_KEY);
        browser.awaitText(By.id("who"), "role admin");
        browser.await(By.id("functions-summary"));
        browser.screenshots("02-functions-empty");

        // Register: code that does not parse is refused with its line, marked in the editor.
        browser.driver.findElement(By.cssSelector("a[data-nav='register']")).click();
        browser.await(By.id("reg-name")).sendKeys("greeter");
        assertEveryControlIsLabelled();
        setEditorCode("def user_function(name):\n    return name\ndef broken(:\n    pass\n");
        browser.driver.findElement(By.id("register-submit")).click();
        browser.awaitText(By.cssSelector("#register-result .problem-line"), "Line 3");
        assertThat(browser.driver.findElement(By.cssSelector("#register-result .problem-title")).getText())
                .contains("400");
        assertThat(browser.present(By.cssSelector(".CodeMirror .error-line"))).isTrue();
        assertThat(browser.script("return document.querySelector('.CodeMirror').CodeMirror"
                + ".lineInfo(2).bgClass")).isEqualTo("error-line");
        browser.screenshots("03-register-syntax-error");

        setEditorCode("def user_function(name='World'):\n    print('called with', name)\n"
                + "    return f'Hello, {name}!'\n");
        browser.driver.findElement(By.id("register-submit")).click();
        browser.awaitText(By.id("registered-id"), "greeter-1");
        assertThat(browser.present(By.cssSelector(".CodeMirror .cm-keyword"))).as("Python highlighted").isTrue();
        browser.screenshots("04-register-done");

        // Invoke: params are checked before anything is sent.
        browser.driver.findElement(By.id("invoke-registered")).click();
        WebElement params = browser.await(By.id("params"));
        params.clear();
        params.sendKeys("{\"name\": ");
        browser.awaitText(By.id("params-error"), "Not JSON");
        assertThat(browser.driver.findElement(By.id("invoke-submit")).isEnabled()).isFalse();
        params.clear();
        params.sendKeys("[1, 2]");
        browser.awaitText(By.id("params-error"), "must be a JSON object");
        params.clear();
        params.sendKeys("{\"name\": \"Selenium\"}");
        browser.until(d -> d.findElement(By.id("invoke-submit")).isEnabled());
        browser.driver.findElement(By.id("invoke-submit")).click();
        browser.awaitText(By.id("invoke-result"), "\"Hello, Selenium!\"");
        assertThat(browser.driver.findElement(By.id("invoke-logs")).getText()).contains("called with Selenium");
        assertThat(browser.driver.findElement(By.id("invoke-start")).getText()).isIn("cold", "prewarmed");
        assertThat(browser.driver.findElement(By.id("invoke-function")).getText()).isEqualTo("greeter-1");
        browser.driver.findElement(By.id("invoke-submit")).click();
        browser.awaitText(By.id("invoke-start"), "warm");
        browser.screenshots("05-invoke-result");

        // The node page: the version's instance is warm, and the charts are drawn.
        browser.driver.findElement(By.cssSelector("a[data-nav='node']")).click();
        browser.awaitText(By.cssSelector("tr[data-node-function='greeter-1'] td:nth-child(2)"), "1");
        assertThat(Integer.parseInt(browser.driver.findElement(By.id("node-warm")).getText())).isGreaterThanOrEqualTo(1);
        assertThat(browser.driver.findElement(By.cssSelector("tr[data-node-function='greeter-1'] td:nth-child(4)"))
                .getText()).isEqualTo("2");
        browser.await(By.cssSelector("#chart-calls canvas"));
        browser.await(By.cssSelector("#chart-latency canvas"));
        browser.await(By.cssSelector("#chart-starts canvas"));
        browser.screenshots("06-node");

        // The list shows it with its figures; search filters it.
        browser.driver.findElement(By.cssSelector("a[data-nav='functions']")).click();
        browser.awaitText(By.cssSelector("tr[data-function='greeter'] td:nth-child(3)"), "python3");
        assertThat(browser.driver.findElement(By.cssSelector("tr[data-function='greeter'] td:nth-child(6)")).getText())
                .isEqualTo("2");
        browser.screenshots("07-functions-list");
        browser.driver.findElement(By.id("search")).sendKeys("nothing-matches");
        browser.awaitText(By.id("functions-summary"), "0 of ");
        browser.driver.findElement(By.id("search")).clear();

        // The function's page: metadata, highlighted code, delete with confirmation.
        browser.open(base() + "/ui#/functions/greeter");
        browser.await(By.id("version-metadata"));
        browser.awaitText(By.id("code-view"), "called with");
        assertThat(browser.driver.findElements(By.cssSelector("#code-view .cm-keyword"))).isNotEmpty();
        assertThat(browser.driver.findElement(By.cssSelector("#version-metadata [data-field='limits']")).getText())
                .contains("timeout 60,000 ms");
        browser.screenshots("08-function");
        browser.driver.findElement(By.id("delete-all")).click();
        browser.await(By.id("delete-all-confirm"));
        browser.screenshots("09-function-delete-confirm");
        browser.driver.findElement(By.id("delete-all-confirm")).click();
        browser.await(By.id("functions-summary"));
        browser.until(d -> d.findElements(By.cssSelector("tr[data-function='greeter']")).isEmpty()
                && d.getCurrentUrl().endsWith("#/functions"));
        assertThat(get("/functions/greeter", ADMIN_KEY).statusCode()).isEqualTo(404);

        assertNoCspRefusals();
    }

    @Test
    void invokeKey_seesNoCodeNorRegisterForm_andTheServerStillRefusesIt() throws Exception {
        assertThat(post("/register", "{\"name\":\"secretive\",\"code\":\"def user_function():\\n    return 42\\n\"}",
                ADMIN_KEY).statusCode()).isEqualTo(200);
        signIn(INVOKE_KEY);
        browser.awaitText(By.id("who"), "role invoke");
        browser.await(By.cssSelector("tr[data-function='secretive']"));
        assertThat(browser.driver.findElement(By.cssSelector("a[data-nav='register']")).isDisplayed()).isFalse();

        browser.open(base() + "/ui#/register");
        browser.await(By.id("register-forbidden"));
        assertThat(browser.present(By.id("register-form"))).isFalse();
        browser.screenshots("10-register-invoke-role");

        browser.open(base() + "/ui#/functions/secretive");
        browser.await(By.id("code-hidden"));
        assertThat(browser.present(By.id("code-view"))).isFalse();
        assertThat(browser.present(By.id("delete-version"))).isFalse();
        assertThat(browser.driver.getPageSource()).doesNotContain("return 42");
        browser.screenshots("11-function-invoke-role");

        // The page hides; the server refuses: the same key, from the page itself.
        Object status = browser.asyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/register', {method: 'POST', headers: {Authorization: 'Bearer '"
                + " + sessionStorage.getItem('faas.apiKey')}, body: JSON.stringify({name: 'sneaky', code:"
                + " 'def user_function():\\n    return 1\\n'})}).then(r => done(r.status), e => done(String(e)));");
        assertThat(status).isEqualTo(403L);
        assertThat(get("/functions/secretive/versions/1", INVOKE_KEY).body()).doesNotContain("\"code\"");

        post("/register", "{\"name\":\"nodecheck\",\"code\":\"def user_function():\\n    return 1\\n\"}", ADMIN_KEY);
        browser.open(base() + "/ui#/invoke/nodecheck/1");
        browser.await(By.id("invoke-submit")).click();
        browser.awaitText(By.id("invoke-result"), "1");
        assertNoCspRefusals();
    }

    @Test
    void markupInNamesResultsAndLogs_isShownAsText_andTheCspBlocksAnInjectedInlineScript() throws Exception {
        String markup = "<img src=x onerror=window.__xss=1><script>window.__xss=2</script><b>bold</b>";
        assertThat(post("/register", "{\"name\":\"markup\",\"code\":\"def user_function():\\n    print('"
                + markup + "')\\n    return '" + markup + "'\\n\"}", ADMIN_KEY).statusCode()).isEqualTo(200);
        signIn(ADMIN_KEY);
        browser.await(By.cssSelector("tr[data-function='markup']"));

        browser.open(base() + "/ui#/invoke/markup/1");
        browser.await(By.id("invoke-submit")).click();
        browser.awaitText(By.id("invoke-result"), "<script>window.__xss=2</script>");
        assertThat(browser.driver.findElement(By.id("invoke-logs")).getText())
                .contains("<img src=x onerror=window.__xss=1>");
        assertThat(browser.driver.findElements(By.cssSelector("#invoke-output img, #invoke-output script,"
                + " #invoke-output b"))).isEmpty();
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
        browser.screenshots("12-invoke-markup");

        // A name with markup is refused by the server; the refusal is shown as text too.
        browser.open(base() + "/ui#/register");
        browser.await(By.id("reg-name")).sendKeys("<b onmouseover=alert(1)>x</b>");
        browser.driver.findElement(By.id("register-submit")).click();
        browser.awaitText(By.cssSelector("#register-result .problem-title"), "400");
        assertThat(browser.driver.findElements(By.cssSelector("#register-result b"))).isEmpty();

        // Whatever slipped through, an inline script would not run: the page's CSP refuses it.
        assertNoCspRefusals();
        browser.script("const s = document.createElement('script'); s.textContent = 'window.__inline = 1;';"
                + " document.body.appendChild(s);");
        assertThat(browser.script("return window.__inline === undefined")).isEqualTo(true);
        assertThat(browser.drainConsole()).anySatisfy(line ->
                assertThat(line).contains("Content Security Policy").contains("script-src"));
        browser.forgetConsole();

        HttpResponse<String> page = get("/ui", null);
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain("style=");
    }

    @Test
    void docs_showSwaggerUi_onTheServedDocument_withTheSignedInKey() throws Exception {
        signIn(ADMIN_KEY);
        browser.await(By.id("functions-summary"));
        browser.open(base() + "/docs");
        browser.awaitText(By.cssSelector("#swagger-ui"), "/register");
        browser.awaitText(By.cssSelector("#swagger-ui"), "/stats");
        assertThat(browser.driver.findElement(By.id("docs-status")).getText()).isEmpty();
        browser.screenshots("13-docs");
        assertNoCspRefusals();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Signs in from the keyboard alone: the key field has the focus, Enter submits. */
    private void signIn(String key) {
        browser.await(By.id("api-key"));
        assertThat(browser.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("api-key");
        browser.driver.switchTo().activeElement().sendKeys(key + Keys.ENTER);
        browser.await(By.id("signout"));
        assertThat((Object) browser.script("return document.cookie")).isEqualTo("");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(key);
    }

    /** Every visible form control has a name a screen reader reads: a label, aria-label or aria-labelledby. */
    private void assertEveryControlIsLabelled() {
        Object unlabelled = browser.script("return Array.from(document.querySelectorAll('input, select, textarea'))"
                + ".filter(e => e.offsetParent !== null || e.closest('.CodeMirror'))"
                + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
                + " && !e.getAttribute('aria-labelledby')).map(e => e.outerHTML)");
        assertThat((List<?>) unlabelled).isEmpty();
    }

    private void setEditorCode(String code) {
        browser.script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])", code);
    }

    /** No page refused one of its own assets: every script and style is a file of this origin. */
    private void assertNoCspRefusals() {
        List<String> refusals = browser.console().stream()
                .filter(line -> line.contains("Content Security Policy"))
                .toList();
        assertThat(refusals).isEmpty();
    }

    HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
