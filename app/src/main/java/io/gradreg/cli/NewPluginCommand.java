package io.gradreg.cli;

import io.gradreg.regularizer.PluginScaffold;
import io.gradreg.results.BuildInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "new-plugin", mixinStandardHelpOptions = true,
        description = {"Write a new regularizer plugin project: a Maven project on the SPI BOM of this gradreg, a",
            "provider with one parameter, its services file, a test with the SPI test kit and a job file.",
            "Build it with 'mvn -B package' once this gradreg is installed ('mvn -B install' in its checkout).",
            "See docs/plugins.md."})
class NewPluginCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "the regularizer's name in jobs, e.g. gradl2")
    String name;

    @Option(names = "--package", paramLabel = "PACKAGE", description = "Java package (default: org.example.NAME)")
    String javaPackage;

    @Option(names = "--class", paramLabel = "CLASS", description = "the provider's class (default: NAME capitalized)")
    String className;

    @Option(names = "--group-id", paramLabel = "GROUP", description = "Maven group id (default: org.example)")
    String groupId = "org.example";

    @Option(names = "--description", paramLabel = "TEXT", description = "one line for 'gradreg regularizers'")
    String description;

    @Option(names = "--directory", paramLabel = "DIR", description = "where to write it, absent or empty (default: ./NAME)")
    Path directory;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PluginScaffold.Plugin plugin = new PluginScaffold.Plugin(name, groupId,
                javaPackage == null ? PluginScaffold.Plugin.defaultPackage(name) : javaPackage,
                className == null ? PluginScaffold.Plugin.defaultClassName(name) : className,
                description == null ? "L2 norm of the cross-entropy's gradient w.r.t. the input, smoothed at 0"
                        : description, BuildInfo.current().version());
        Path target = directory == null ? Path.of(name) : directory;
        List<Path> files = PluginScaffold.write(plugin, target);
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote plugin '" + name + "' (" + plugin.javaPackage() + "." + plugin.className() + ") into "
                + target + ":");
        files.forEach(f -> out.println("  " + f));
        out.println("next: cd " + target + " && mvn -B package, then copy target/gradreg-" + name
                + "-1.0.0.jar into gradreg's plugin directory (docs/plugins.md)");
        out.flush();
        return 0;
    }
}
