package io.gradreg.regularizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The SPI BOM has no parent (so that a plugin importing it does not import the Quarkus BOM), so
 * its versions are written twice: they must equal the build's.
 */
class SpiBomTest {

    @Test
    void theBomPinsTheVersionsGradregBuildsWith() throws IOException {
        String bom = Files.readString(Path.of("spi-bom/pom.xml"));
        String parent = Files.readString(Path.of("pom.xml"));
        assertTrue(!bom.contains("<parent>"), "the BOM must have no parent");
        assertEquals(first(parent, "<version>([^<]+)</version>"), first(bom, "<version>([^<]+)</version>"), "version");
        for (String property : new String[] {"djl.version", "pytorch.version"}) {
            String tag = "<" + property + ">([^<]+)</" + property + ">";
            assertEquals(first(parent, tag), first(bom, tag), property);
        }
        assertEquals(Test.class.getPackage().getImplementationVersion(),
                first(bom, "<junit.version>([^<]+)</junit.version>"), "JUnit, as gradreg's tests run it");
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex);
        return m.group(1);
    }
}
