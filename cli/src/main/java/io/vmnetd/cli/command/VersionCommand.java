package io.vmnetd.cli.command;

import io.vmnetd.cli.CliError;
import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.Vmnetctl;
import io.vmnetd.cli.json.Values;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vmnetctl version}: this CLI's version and the daemon's (from GET /v1/status). */
@Command(name = "version", mixinStandardHelpOptions = true, description = {"Print vmnetctl's version and the running vmnetd's.",
        "The client line is printed even when vmnetd cannot be reached (the exit status then says why)."})
public final class VersionCommand extends ApiCommand {

    @Override
    public Integer call() {
        Map<String, Object> versions = new LinkedHashMap<>();
        versions.put("client", Vmnetctl.version());
        CliError unreachable = null;
        try {
            versions.put("daemon", Values.text(Values.map(client().get("/v1/status")), "version"));
        } catch (CliError e) {
            versions.put("daemon", null);
            unreachable = e;
        }
        if (!printedAsData(versions)) {
            print("client: " + versions.get("client") + "\n"
                    + (unreachable == null ? "daemon: " + versions.get("daemon") + "\n" : ""));
        }
        if (unreachable != null) {
            throw unreachable;
        }
        return ExitCode.OK.code();
    }
}
