package io.gradreg.cli;

import picocli.CommandLine.IVersionProvider;

class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"gradreg " + (version == null ? "development build" : version)};
    }
}
