package io.gradreg.cli;

import io.gradreg.spi.ParameterSpec;
import io.gradreg.regularizer.Regularizers;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "regularizers", mixinStandardHelpOptions = true,
        description = "List every regularizer found through ServiceLoader, with its origin and parameters.")
class RegularizersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (Regularizers.Entry entry : Regularizers.builtIn().all()) {
            out.printf("%-12s %s [%s]%n", entry.provider().name(), entry.provider().description(), entry.origin());
            for (ParameterSpec p : entry.provider().parameters()) {
                out.printf("    %s=%s  %s%n", p.name(), p.defaultValue(), p.description());
            }
        }
        out.flush();
        return 0;
    }
}
