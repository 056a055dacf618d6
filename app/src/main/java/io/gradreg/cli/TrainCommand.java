package io.gradreg.cli;

import io.gradreg.batch.Services;
import io.gradreg.data.Mnist;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.Trainer;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingResult;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = TrainingOptions.Defaults.class,
        description = {"Train one configuration and print its test accuracy on the 10,000 MNIST test images.",
            "Example: gradreg train -a baseline -r spectreg -w 0.01 -n 200/class -s 1"})
class TrainCommand implements Callable<Integer> {

    @Mixin
    TrainingOptions training;

    @Mixin
    EngineOptions engine;

    @Inject
    Services services;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Regularizers regularizers = services.regularizers();
        regularizers.get(training.regularizer);
        TrainingConfig config = training.toConfig(regularizers);
        Mnist mnist = engine.loadData();
        PrintWriter out = spec.commandLine().getOut();
        TrainingResult result = new Trainer(mnist).train(config, services.penalty(config),
                ProgressPrinter.forConsole(spec.commandLine().getErr()));
        out.printf(Locale.ROOT, "architecture=%s regularizer=%s weight=%s (%s convention; %s in mean units) "
                + "train-size=%s minibatches=%d seed=%d%n",
                config.architecture().id(), config.regularizer(), training.weight, training.weightConvention,
                config.weight(), config.subset(),
                config.minibatches(), config.seed());
        out.printf(Locale.ROOT, "test accuracy %.2f%% (test loss %.4f), final train loss %.4f, penalty %.4g, %.1f s%n",
                100 * result.test().accuracy(), result.test().loss(), result.finalLoss(), result.finalPenalty(),
                result.trainSeconds());
        out.flush();
        return 0;
    }
}
