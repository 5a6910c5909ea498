// A Java back end using `keymsg serve` with java.net.http.HttpClient (Java 11+),
// no dependencies. Run without compiling first (Java 11+ single-file source):
//
//   keymsg serve --listen 127.0.0.1:8080 --store ./store --agency "PEA Smart Plus" &
//   java examples/java/KeymsgClient.java http://127.0.0.1:8080 [TOKEN]
//
// A real back end parses the JSON with its usual library (Jackson, Gson);
// this example pulls the two fields it needs out with a regular expression
// to stay dependency-free.

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class KeymsgClient {
    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        String token = args.length > 1 ? args[1] : null;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        String subject = "java-user-42";
        HttpResponse<String> popup = http.send(
            request(base + "/v1/popup?key=" + URLEncoder.encode(subject, StandardCharsets.UTF_8), token).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (popup.statusCode() == 204) {
            System.out.println("no pop-up now; retry after " + popup.headers().firstValue("retry-after").orElse("?") + " s");
        } else if (popup.statusCode() == 200) {
            String tok = field(popup.body(), "token");
            System.out.println(field(popup.body(), "title"));
            // ... the app displayed it; count it, idempotently.
            String body = "{\"impressions\":[{\"token\":\"" + tok + "\",\"key\":\"" + subject
                + "\",\"surface\":\"popup\",\"idempotency_key\":\"" + subject + "-" + System.nanoTime() + "\"}]}";
            HttpResponse<String> counted = http.send(
                request(base + "/v1/impressions", token)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (counted.statusCode() != 200 || !counted.body().contains("\"status\":\"counted\"")) {
                throw new IllegalStateException("impression not counted: " + counted.statusCode() + " " + counted.body());
            }
        } else {
            throw new IllegalStateException("popup: " + popup.statusCode() + " " + popup.body());
        }

        HttpResponse<String> footer = http.send(
            request(base + "/v1/footer?key=INV-java-1&profile=receipt-80mm", token).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (footer.statusCode() != 200 || !footer.body().contains("\"counted\":true")) {
            throw new IllegalStateException("footer: " + footer.statusCode() + " " + footer.body());
        }
        System.out.println(field(footer.body(), "text").replace("\\n", "\n"));

        HttpResponse<String> bad = http.send(
            request(base + "/v1/footer?lang=xx", token).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (bad.statusCode() != 400 || !"lang".equals(field(bad.body(), "field"))) {
            throw new IllegalStateException("bad lang: " + bad.statusCode() + " " + bad.body());
        }
        System.out.println("java client: ok");
    }

    static HttpRequest.Builder request(String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    /** The string value of `"name":"..."` in a flat JSON answer. */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
