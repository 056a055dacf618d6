package io.gradreg.cli;

import io.gradreg.results.BuildInfo;
import picocli.CommandLine.IVersionProvider;

class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"gradreg " + BuildInfo.current().describe()};
    }
}
