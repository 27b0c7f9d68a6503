package dev.faas.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver ({@code apt-get install chromium chromium-driver}, which
 * {@code .ci/run} does): started with the flags that keep it off the network (no background requests, no component
 * updates, no sync), a fresh profile, and its console kept so tests can read Content-Security-Policy reports. A
 * machine without them fails the test saying what to install, never skips it. Screenshots go to
 * {@code target/dashboard-screenshots/}, at desktop and at phone width.
 */
final class Browser implements AutoCloseable {

    static final Dimension DESKTOP = new Dimension(1280, 1000);
    static final Dimension PHONE = new Dimension(390, 1200);
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(30);

    final ChromeDriver driver;
    private final WebDriverWait wait;
    private final List<String> console = new ArrayList<>();

    private Browser(ChromeDriver driver) {
        this.driver = driver;
        this.wait = new WebDriverWait(driver, WAIT);
    }

    static Browser start(Path profile) {
        String chromium = System.getenv().getOrDefault("FAAS_CHROMIUM", "/usr/bin/chromium");
        String chromedriver = System.getenv().getOrDefault("FAAS_CHROMEDRIVER", "/usr/bin/chromedriver");
        assertThat(Files.isExecutable(Path.of(chromium)) && Files.isExecutable(Path.of(chromedriver)))
                .as("the dashboard's browser tests need Debian's Chromium and ChromeDriver (" + chromium + ", "
                        + chromedriver + "): apt-get install -y chromium chromium-driver (or set FAAS_CHROMIUM and"
                        + " FAAS_CHROMEDRIVER)")
                .isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-translate",
                "--metrics-recording-only", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(DESKTOP);
        return new Browser(driver);
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement await(By locator) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    void awaitText(By locator, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(locator, text));
    }

    void awaitGone(By locator) {
        wait.until(ExpectedConditions.invisibilityOfElementLocated(locator));
    }

    void until(java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
        wait.until(condition::apply);
    }

    boolean present(By locator) {
        return !driver.findElements(locator).isEmpty();
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    Object asyncScript(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, arguments);
    }

    /** Console messages since the last call, kept for {@link #console()}. */
    List<String> drainConsole() {
        List<String> fresh = new ArrayList<>();
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            fresh.add(entry.getLevel() + " " + entry.getMessage());
        }
        console.addAll(fresh);
        return fresh;
    }

    /** Every console message since the last {@link #forgetConsole()}. */
    List<String> console() {
        drainConsole();
        return List.copyOf(console);
    }

    void forgetConsole() {
        drainConsole();
        console.clear();
    }

    /** Saves the page at desktop and at phone width, as {@code NN-name-desktop.png} and {@code NN-name-phone.png}. */
    List<Path> screenshots(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path desktop = SCREENSHOTS.resolve(name + "-desktop.png");
            Files.write(desktop, driver.getScreenshotAs(OutputType.BYTES));
            driver.manage().window().setSize(PHONE);
            wait.until(d -> ((Number) script("return window.innerWidth")).intValue() <= PHONE.width);
            Path phone = SCREENSHOTS.resolve(name + "-phone.png");
            Files.write(phone, driver.getScreenshotAs(OutputType.BYTES));
            driver.manage().window().setSize(DESKTOP);
            wait.until(d -> ((Number) script("return window.innerWidth")).intValue() > PHONE.width);
            return List.of(desktop, phone);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Object> capabilities() {
        return driver.getCapabilities().asMap();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
