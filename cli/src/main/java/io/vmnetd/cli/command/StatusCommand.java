package io.vmnetd.cli.command;

import io.vmnetd.cli.CliError;
import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.json.Values;
import io.vmnetd.cli.output.Terminal;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vmnetctl status}: GET /v1/status. */
@Command(name = "status", mixinStandardHelpOptions = true, description = {"Show whether vmnetd is ready, and its last reconcile.",
        "Also the drift repairs so far and recent errors. Exits with 6 when vmnetd answers but is not ready."})
public final class StatusCommand extends ApiCommand {

    @Override
    public Integer call() {
        Map<String, Object> status = Values.map(client().get("/v1/status"));
        if (!printedAsData(status)) {
            print(render(status, terminal()));
        }
        if (!Values.bool(status, "ready")) {
            throw new CliError(ExitCode.NOT_READY, "vmnetd is not ready: its first reconcile has not succeeded yet");
        }
        return ExitCode.OK.code();
    }

    static String render(Map<String, Object> s, Terminal t) {
        StringBuilder out = new StringBuilder();
        field(out, t, "version", Values.text(s, "version"));
        field(out, t, "ready", t.status(Values.bool(s, "ready") ? "yes" : "no"));
        field(out, t, "uptime", Durations.human(Values.number(s, "uptimeSeconds")));
        Map<String, Object> last = Values.map(s.get("lastReconcile"));
        if (last.isEmpty()) {
            field(out, t, "last reconcile", "none yet");
        } else {
            int changes = Values.list(last.get("applied")).size();
            field(out, t, "last reconcile", t.status(Values.text(last, "result")) + ", "
                    + Durations.age(Values.text(last, "at")) + " ago (" + Values.text(last, "reason").toLowerCase()
                    + ", " + Values.number(last, "millis") + " ms, " + changes + (changes == 1 ? " change)" : " changes)"));
            list(out, t, "  problems", Values.list(last.get("problems")));
            list(out, t, "  errors", Values.list(last.get("errors")));
        }
        field(out, t, "drift repairs", Values.text(s, "driftRepairs"));
        List<Object> errors = Values.list(s.get("errors"));
        if (errors.isEmpty()) {
            field(out, t, "recent errors", "none");
        } else {
            list(out, t, "recent errors", errors);
        }
        return out.toString();
    }

    private static void list(StringBuilder out, Terminal t, String name, List<Object> items) {
        for (Object item : items) {
            field(out, t, name, t.red(String.valueOf(item)));
            name = "";
        }
    }

    private static void field(StringBuilder out, Terminal t, String name, String value) {
        String label = name.isEmpty() ? "" : name + ":";
        out.append(t.bold(label)).append(" ".repeat(Math.max(1, 17 - label.length()))).append(value).append('\n');
    }
}
