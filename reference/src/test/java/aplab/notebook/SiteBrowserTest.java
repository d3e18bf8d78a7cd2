package aplab.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The site in Debian's headless Chromium (packages {@code chromium} and {@code chromium-driver},
 * which .ci/run installs): the index shows its title and a link per notebook; the patch-10 review
 * page shows its title, its outputs and its links to lore; neither logs a console error. Where
 * Chromium is not installed the test is skipped with one line, except in CI, where it fails.
 * It also leaves a screenshot of the review page in target/site-review10.png (the README's).
 */
class SiteBrowserTest {
    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File DRIVER = new File("/usr/bin/chromedriver");

    @Test
    void aReaderSeesTheIndexAndAPageWithTheirOutputs() throws Exception {
        boolean present = CHROMIUM.canExecute() && DRIVER.canExecute();
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must install chromium and chromium-driver (.ci/run) for the browser test");
        }
        Assumptions.assumeTrue(present, "browser test skipped: /usr/bin/chromium or /usr/bin/chromedriver not installed (apt-get install chromium chromium-driver)");
        Path site = CorpusCache.site();
        int notebooks = Corpus.notebooks(NotebookCorpusTest.root()).size();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,900");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        try {
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
            driver.get(site.resolve("index.html").toUri().toString());
            assertThat(driver.getTitle()).isEqualTo("aplab walkthrough corpus");
            List<WebElement> links = driver.findElements(By.cssSelector("a.notebook"));
            assertThat(links).hasSize(notebooks);
            assertThat(links).allSatisfy(a -> assertThat(a.isDisplayed()).isTrue());
            noConsoleErrors(driver, "index.html");

            links.stream().filter(a -> a.getAttribute("href").endsWith("Review10HotPlug.html")).findFirst().orElseThrow().click();
            assertThat(driver.getTitle()).startsWith("Review of v18 10/18");
            assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo(driver.getTitle());
            List<WebElement> outputs = driver.findElements(By.cssSelector("pre.output"));
            assertThat(outputs).hasSizeGreaterThan(5);
            assertThat(outputs.get(0).isDisplayed()).isTrue();
            assertThat(outputs.get(0).getText()).contains("vfio_ap_mdev_update_guest_apcb");
            assertThat(driver.findElements(By.cssSelector("a[href^='https://lore.kernel.org/']"))).isNotEmpty();
            assertThat(driver.findElements(By.cssSelector("pre.code .kw"))).as("code is highlighted").isNotEmpty();
            noConsoleErrors(driver, "Review10HotPlug.html");
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), Path.of("target", "site-review10.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            driver.quit();
        }
    }

    private static void noConsoleErrors(ChromeDriver driver, String page) {
        List<LogEntry> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(severe).as("console errors on %s", page).isEmpty();
    }
}
