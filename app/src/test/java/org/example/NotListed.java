package org.example;

import io.gradreg.spi.Regularizer;
import io.gradreg.spi.RegularizerParameters;
import io.gradreg.spi.RegularizerProvider;
import io.gradreg.spi.SpiVersion;

/** A provider that no services file lists, for the test kit's message (PluginMessagesTest). */
@SpiVersion(SpiVersion.CURRENT)
public class NotListed implements RegularizerProvider {
    @Override
    public String name() {
        return "notlisted";
    }

    @Override
    public String description() {
        return "not in META-INF/services";
    }

    @Override
    public Regularizer create(RegularizerParameters parameters) {
        return context -> context.loss();
    }
}
