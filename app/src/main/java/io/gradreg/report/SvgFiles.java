package io.gradreg.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every chart of report.html as a stand-alone SVG file ({@code gradreg report -f svg}), for a paper
 * or a slide: the same drawing, named by its kind and place (accuracy.svg, curve-1.svg, …, sweep-1.svg,
 * robustness-1.svg). Each {@code <svg>} of the page declares its namespace, so it stands alone.
 */
final class SvgFiles {

    private static final Pattern FIGURE = Pattern.compile(
            "<figure class=\"chart\" data-chart=\"([a-z-]+)\">\\n(<svg .*?</svg>)", Pattern.DOTALL);

    private SvgFiles() {
    }

    /** The page's charts by file name, in page order. */
    static Map<String, String> of(Report report) {
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        Matcher m = FIGURE.matcher(HtmlReport.render(report));
        while (m.find()) {
            int n = counts.merge(m.group(1), 1, Integer::sum);
            String name = m.group(1).equals("accuracy") && n == 1 ? "accuracy.svg" : m.group(1) + "-" + n + ".svg";
            files.put(name, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + m.group(2) + "\n");
        }
        return files;
    }

    /** Writes the charts into {@code dir}, each atomically; returns their paths. */
    static List<Path> write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, String> f : of(report).entrySet()) {
            Path file = dir.resolve(f.getKey());
            Path tmp = file.resolveSibling(file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
            Files.writeString(tmp, f.getValue());
            written.add(Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
        }
        return written;
    }
}
