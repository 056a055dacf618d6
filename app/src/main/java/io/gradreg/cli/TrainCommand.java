package io.gradreg.cli;

import io.gradreg.batch.Workspace;
import io.gradreg.data.Mnist;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.training.RunTrainer;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingResult;
import jakarta.inject.Inject;
import io.gradreg.store.CurvePoint;
import io.gradreg.training.CurveRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, defaultValueProvider = TrainingOptions.Defaults.class,
        description = {"Train one configuration and print its test accuracy on the 10,000 MNIST test images.",
            "Example: gradreg train -a baseline -r spectreg -w 0.01 -n 200/class -s 1"})
class TrainCommand implements Callable<Integer> {

    @Mixin
    TrainingOptions training;

    @Mixin
    EngineOptions engine;

    @Option(names = "--curve-every", paramLabel = "N", defaultValue = "" + CurveRecorder.DEFAULT_EVERY,
            description = "minibatches between the points of the training curve --curve writes (default: ${DEFAULT-VALUE})")
    int curveEvery;

    @Option(names = "--curve", paramLabel = "FILE", description = "write the training curve there as tab-separated "
            + "columns: minibatch, loss, raw penalty, learning rate")
    Path curveFile;

    @Inject
    Workspace workspace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Regularizers regularizers = workspace.regularizers();
        regularizers.get(training.regularizer);
        TrainingConfig config = training.toConfig(regularizers);
        training.warnings().forEach(spec.commandLine().getErr()::println);
        try {
            CurveRecorder.check("--curve-every", curveEvery, config.minibatches());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path curveDir = curveFile == null ? null : curveFile.toAbsolutePath().getParent();
        if (curveDir != null && !Files.isDirectory(curveDir)) {
            throw new IllegalArgumentException("--curve " + curveFile + ": no such directory " + curveDir);
        }
        Mnist mnist = engine.loadData();
        PrintWriter out = spec.commandLine().getOut();
        CurveRecorder curve = new CurveRecorder(curveEvery);
        TrainingResult result = new RunTrainer(mnist).train(config, workspace.penalty(config),
                ProgressPrinter.forConsole(spec.commandLine().getErr()), curve);
        if (curveFile != null) {
            writeCurve(curve.drain());
        }
        out.printf(Locale.ROOT, "architecture=%s regularizer=%s weight=%s (%s convention; %s in mean units) "
                + "train-size=%s minibatches=%d seed=%d%n",
                config.architecture().id(), config.regularizer(), training.weight, training.weightConvention,
                config.weight(), config.subset(),
                config.minibatches(), config.seed());
        if (!config.batchNorm().equals(BatchNormSettings.DEFAULT)) {
            out.println(config.batchNorm().properties());
        }
        out.printf(Locale.ROOT, "test accuracy %.2f%% (test loss %.4f), final train loss %.4f, penalty %.4g, %.1f s%n",
                100 * result.test().accuracy(), result.test().loss(), result.finalLoss(), result.finalPenalty(),
                result.trainSeconds());
        out.flush();
        return 0;
    }

    private void writeCurve(List<CurvePoint> points) {
        StringBuilder tsv = new StringBuilder("minibatch\tloss\tpenalty\tlearning_rate\n");
        for (CurvePoint p : points) {
            tsv.append(p.minibatch()).append('\t').append(p.loss()).append('\t').append(p.penalty()).append('\t')
                    .append(p.learningRate()).append('\n');
        }
        try {
            Files.writeString(curveFile, tsv);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the training curve to " + curveFile + ": " + e.getMessage(), e);
        }
    }
}
