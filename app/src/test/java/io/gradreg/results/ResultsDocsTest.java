package io.gradreg.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every number quoted in the results docs (the README's results overview, docs/results.md,
 * docs/results/README.md, ablations.md, each experiment's README) agrees with the committed runs
 * files and tables ({@link ResultsDocs}).
 * With {@code -Dgradreg.docs.fill=true} the generated blocks are rewritten from the reports and
 * every tagged number from its data first, and each rewritten number is printed.
 */
class ResultsDocsTest {

    private static ResultsDocs docs;

    @BeforeAll
    static void load() {
        docs = ResultsDocs.load(Path.of("jobs"));
    }

    static List<Path> documents() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md"), Path.of("docs", "results.md")));
        try (Stream<Path> walk = Files.walk(ResultsDocs.RESULTS)) {
            walk.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .filter(p -> !p.getFileName().toString().startsWith("report")).sorted().forEach(files::add);
        }
        return files;
    }

    @Test
    void everyNumberInTheResultsDocsAgreesWithItsData() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            if (Boolean.getBoolean("gradreg.docs.fill")) {
                String filled = docs.fill(doc.toString(), text, changes);
                if (!filled.equals(text)) {
                    Files.writeString(doc, filled);
                    text = filled;
                }
            }
            problems.addAll(docs.check(doc.toString(), text));
        }
        // what the fill rewrote, for rereading the words around each number
        changes.forEach(System.out::println);
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n", problems));
    }

    @Test
    void aPlantedWrongDigitIsFound() {
        // C2 dropout/SpectReg is 97.56 (0.13) over its ten runs; the docs once quoted 0.10
        String right = "SpectReg 97.56 (0.13)<!--= c2-protocol dropout/spectreg: mean sd --> with dropout";
        assertEquals(List.of(), docs.check("t.md", right));
        List<String> wrong = docs.check("t.md", right.replace("(0.13)", "(0.10)"));
        assertEquals(1, wrong.size(), wrong.toString());
        assertTrue(wrong.get(0).startsWith("t.md:1: 0.10 is c2-protocol dropout/spectreg sd = 0.128"), wrong.get(0));
        List<String> digit = docs.check("t.md", right.replace("97.56", "97.65"));
        assertTrue(digit.get(0).startsWith("t.md:1: 97.65 is c2-protocol dropout/spectreg mean"), digit.toString());
    }

    @Test
    void pairedQuantitiesSignsAndUntaggedNumbers() {
        // C6: SpectReg is below JacReg on every seed
        String pair = "−0.44<!--= c6-protocol dropout/spectreg - dropout/jacreg: diff --> on 0 of 10"
                + "<!--= c6-protocol dropout/spectreg - dropout/jacreg: wins n -->";
        assertEquals(List.of(), docs.check("t.md", pair));
        assertEquals(1, docs.check("t.md", pair.replace("−0.44", "+0.44")).size(), "a signed number keeps its sign");
        assertEquals(List.of(), docs.check("t.md", pair.replace("−0.44", "0.44")), "unsigned: the words give the sign");
        List<String> untracked = docs.check("t.md", "the baseline at 96.78 (0.36), p 0.22, +0.37 on every seed");
        assertEquals(4, untracked.size(), untracked.toString());
        assertEquals(List.of(), docs.check("t.md", "```\n97.12 in a code block\n```"));
    }

    @Test
    void experimentsPapersAndClaimsAreSources() {
        String text = "C2 has 90<!--= c2-protocol *: n --> runs; baseline 96.77<!--= c2-protocol baseline/none: mean --> "
                + "against the paper's 96.99<!--= c2-protocol.paper baseline/none: mean -->, −0.22 ± 0.12, p 0.097"
                + "<!--= c2-protocol baseline/none - paper: diff se p -->; C6 SpectReg below JacReg, adj. p 2.5e-05"
                + "<!--= c6-protocol claim dropout/spectreg@200/class > dropout/jacreg@200/class: adjp -->";
        assertEquals(List.of(), docs.check("t.md", text));
        assertEquals(1, docs.check("t.md", text.replace("p 0.097", "p 0.079")).size());
        String trend = "−9.99 per doubling, df 1<!--= c4-protocol claim dropout/doubleback - dropout/none shrinks: diff df -->";
        assertEquals(2, docs.check("t.md", trend).size());
        List<String> changes = new ArrayList<>();
        String filled = docs.fill("t.md", trend, changes);
        assertEquals(List.of(), docs.check("t.md", filled), filled);
        assertEquals(2, changes.size(), changes.toString());
        assertTrue(changes.get(0).startsWith("t.md:1: −9.99 -> −0."), changes.toString());
    }

    @Test
    void aSweepsSelectionsValidationAndMeasuresAreSources() {
        // the C6 weight sweep selects SpectReg's 0.003 on validation accuracy (Table 8: 0.03)
        String text = "selected 0.003<!--= c6-weight-sweep selected dropout/spectreg: weight -->, validation 97.21 (0.17)"
                + "<!--= c6-weight-sweep[validation] dropout/spectreg=0.003: mean sd -->, test 97.60 (0.09)"
                + "<!--= c6-weight-sweep dropout/spectreg=0.003: mean sd -->, FGSM 85.61 (0.91)"
                + "<!--= c6-weight-sweep[fgsm@0.1] dropout/spectreg=0.003: mean sd -->, gradient norm 0.157"
                + "<!--= c6-weight-sweep[gradnorm] dropout/spectreg=0.003: mean -->, 0.19"
                + "<!--= c6-weight-sweep dropout/spectreg=0.003 - paper: diff --> below the paper's 97.79<!--= c6-weight-sweep.paper dropout/spectreg: mean -->";
        assertEquals(List.of(), docs.check("t.md", text));
        List<String> selection = docs.check("t.md", text.replace("selected 0.003", "selected 0.03"));
        assertEquals(1, selection.size(), "the selection: " + selection);
        List<String> swapped = docs.check("t.md", text.replace("validation 97.21", "validation 97.60"));
        assertEquals(1, swapped.size(), "validation is not the test accuracy: " + swapped);
        assertEquals(1, docs.check("t.md", text.replace("gradient norm 0.157", "gradient norm 15.7")).size(),
                "norms are not scaled like accuracies");
        // a claim's comparison on a robustness measure is named with the measure
        String claims = "FGSM +10.06<!--= c6-weight-sweep claim dropout/doubleback=selected@200/class > "
                + "dropout/none@200/class [fgsm@0.1]: diff -->, accuracy +0.60<!--= c6-weight-sweep claim "
                + "dropout/doubleback=selected@200/class > dropout/none@200/class: diff -->";
        assertEquals(List.of(), docs.check("t.md", claims));
        assertTrue(docs.check("t.md", "0.003<!--= c6-weight-sweep selected dropout/nonesuch: weight -->").get(0)
                .contains("has no selection for dropout/nonesuch"));
    }

    @Test
    void aFillKeepsTheFormOfTheNumberItRewrites() {
        assertEquals("97.57", ResultsDocs.format("97.56", 97.5712));
        assertEquals("+0.70", ResultsDocs.format("+0.79", 0.7025));
        assertEquals("−0.15", ResultsDocs.format("+0.05", -0.1525));
        assertEquals("-0.15", ResultsDocs.format("-0.05", -0.1525));
        assertEquals("0.15", ResultsDocs.format("0.05", -0.1525));
        assertEquals("+0.00", ResultsDocs.format("−0.01", -0.001));
        assertEquals("1.4e-03", ResultsDocs.format("7.4e-08", 0.0013609));
        assertEquals("1,180", ResultsDocs.format("1,000", 1180));
        assertEquals("180", ResultsDocs.format("135", 180.0));
        assertEquals("24.3", ResultsDocs.format("15.7", 24.26015));
        String table = "n 3<!--= c4-protocol dropout/none@500: n --> in\n```\n3<!--= c4-protocol dropout/none@500: n -->\n```";
        List<String> changes = new ArrayList<>();
        assertEquals(table.replaceFirst("n 3", "n " + (int) docs.value("c4-protocol dropout/none@500", "n")),
                docs.fill("t.md", table, changes), "code blocks are left alone");
    }

    @Test
    void writtenNumbersAgreeAtTheirPrecision() {
        assertTrue(ResultsDocs.agrees("97.56", 97.5649));
        assertTrue(ResultsDocs.agrees("2.0e-04", 1.96e-4));
        assertTrue(ResultsDocs.agrees("1,000", 1000));
        assertTrue(!ResultsDocs.agrees("97.56", 97.5549));
        assertTrue(!ResultsDocs.agrees("3.0e-04", 1.96e-4));
    }
}
