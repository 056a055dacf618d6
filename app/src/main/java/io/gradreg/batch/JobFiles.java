package io.gradreg.batch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLStreamException;
import org.jberet.job.model.Job;
import org.jberet.job.model.JobParser;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Finds and parses job XML files: by path, or by name in the jobs directory. The XML is first
 * checked by a parser that refuses DOCTYPE declarations (so no external entity is ever resolved)
 * and reports the file and line of any error; then JBeret parses it.
 */
public final class JobFiles {

    /** A parsed job and where it came from. */
    public record LoadedJob(Job job, String source, String xml) {

        public String name() {
            return job.getId();
        }

        /** Job-level properties as written in the file. */
        public Properties properties() {
            Properties p = new Properties();
            if (job.getProperties() != null) {
                job.getProperties().getNameValues().forEach(p::setProperty);
            }
            return p;
        }

        public String description() {
            return properties().getProperty("description", "");
        }
    }

    private final Path jobsDir;

    public JobFiles(Path jobsDir) {
        this.jobsDir = jobsDir;
    }

    /** A path to a file, or the name of a job in the jobs directory ({@code name.xml}). */
    public LoadedJob load(String nameOrPath) {
        Path path = Path.of(nameOrPath);
        if (!Files.isRegularFile(path)) {
            path = jobsDir.resolve(nameOrPath.endsWith(".xml") ? nameOrPath : nameOrPath + ".xml");
        }
        if (!Files.isRegularFile(path)) {
            List<String> names = names();
            throw new IllegalArgumentException("no job '" + nameOrPath + "': not a file, and " + (names.isEmpty()
                    ? noJobs() : "not one of the jobs in " + jobsDir.toAbsolutePath() + " (" + String.join(", ", names)
                            + ")"));
        }
        String xml;
        try {
            xml = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read job file " + path + ": " + e.getMessage());
        }
        return parse(xml, path.toString());
    }

    /** Why the jobs directory lists nothing, and the setting that moves it. */
    public String noJobs() {
        return "the jobs directory " + jobsDir.toAbsolutePath() + (Files.isDirectory(jobsDir) ? " has no job files"
                : " does not exist") + " (set gradreg.jobs-dir or GRADREG_JOBS_DIR to the jobs/ of a gradreg "
                + "checkout, which bin/gradreg does when it is unset)";
    }

    /** Parses job XML text; {@code source} names it in messages. */
    public static LoadedJob parse(String xml, String source) {
        if (xml.length() > JobShape.MAX_BYTES) {
            throw new IllegalArgumentException(source + ": " + xml.length() + " characters, more than a job file holds (at "
                    + "most " + JobShape.MAX_BYTES + ")");
        }
        checkWellFormed(xml, source);
        Job job;
        try {
            job = JobParser.parseJob(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
                    JobFiles.class.getClassLoader(), (publicId, systemId, base, ns) -> {
                        throw new XMLStreamException("external entities are not allowed (" + systemId + ")");
                    });
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNumber();
            throw new IllegalArgumentException(source + (line > 0 ? ":" + line : "") + ": not a valid Jakarta Batch job: "
                    + e.getMessage().replaceAll("^ParseError at \\[row,col\\]:\\[\\d+,\\d+\\]\\s*Message:\\s*", ""));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + ": not a valid Jakarta Batch job: " + e.getMessage());
        }
        JobShape.check(job, source);
        return new LoadedJob(job, source, xml);
    }

    private static void checkWellFormed(String xml, String source) {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.newSAXParser().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
                    new DefaultHandler() {
                        private int steps;

                        @Override
                        public void startElement(String uri, String localName, String qName,
                                org.xml.sax.Attributes attributes) throws SAXException {
                            if (localName.equals("step") && ++steps > JobShape.MAX_STEPS) {
                                throw new SAXException("more than " + JobShape.MAX_STEPS + " steps; a gradreg job has 4 (a weight sweep 6)");
                            }
                        }
                    });
        } catch (SAXParseException e) {
            throw new IllegalArgumentException(source + ":" + e.getLineNumber() + ": malformed XML: " + e.getMessage());
        } catch (SAXException | ParserConfigurationException | IOException e) {
            throw new IllegalArgumentException(source + ": malformed XML: " + e.getMessage());
        }
    }

    /** Names of the jobs in the jobs directory, sorted. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(jobsDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(jobsDir, "*.xml")) {
                files.forEach(f -> names.add(f.getFileName().toString().replaceFirst("\\.xml$", "")));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list " + jobsDir + ": " + e.getMessage());
            }
        }
        names.sort(null);
        return names;
    }
}
