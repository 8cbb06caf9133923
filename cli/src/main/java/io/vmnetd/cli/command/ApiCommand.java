package io.vmnetd.cli.command;

import io.vmnetd.cli.DaemonClient;
import io.vmnetd.cli.Format;
import io.vmnetd.cli.Vmnetctl;
import io.vmnetd.cli.json.JsonWriter;
import io.vmnetd.cli.json.YamlWriter;
import io.vmnetd.cli.output.Terminal;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** What every subcommand shares: the global options (declared on {@link Vmnetctl}, inherited), the client, output. */
abstract class ApiCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    Vmnetctl root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    DaemonClient client() {
        return root.client();
    }

    Format format() {
        return root.output();
    }

    boolean wide() {
        return root.output() == Format.wide;
    }

    Terminal terminal() {
        return root.terminal();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints {@code value} as JSON or YAML when asked for; false when the format is a table (the caller's job). */
    boolean printedAsData(Object value) {
        switch (format()) {
            case json -> out().print(JsonWriter.write(value));
            case yaml -> out().print(YamlWriter.write(value));
            default -> {
                return false;
            }
        }
        out().flush();
        return true;
    }

    void print(String text) {
        out().print(text);
        out().flush();
    }
}
