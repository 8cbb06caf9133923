package io.vmnetd.cli.command;

import io.vmnetd.cli.CliError;
import io.vmnetd.cli.ExitCode;
import io.vmnetd.cli.http.HttpResponse;
import io.vmnetd.cli.json.Json;
import io.vmnetd.cli.json.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vmnetctl apply -f FILE [--dry-run]}: POST /v1/config[?dryRun=true]. */
@Command(name = "apply", mixinStandardHelpOptions = true, description = {"Apply a config file, or show its changes with --dry-run.",
        "The whole file is validated first; vmnetd then saves it as its config file and applies it. --dry-run "
                + "shows what it would change, per network: + added, - removed, ~ changed, ! cannot be done. A file "
                + "that fails validation changes nothing: each problem is printed as FILE:LINE:COLUMN: FIELD: MESSAGE "
                + "and the exit status is 7."})
public final class ApplyCommand extends ApiCommand {

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
            description = "the YAML config (the format of /etc/vmnetd/vmnetd.yaml); - reads stdin")
    private String file;

    @Option(names = "--dry-run", description = "validate and show the plan; change nothing")
    private boolean dryRun;

    @Override
    public Integer call() {
        byte[] yaml = read();
        HttpResponse response = client().post("/v1/config" + (dryRun ? "?dryRun=true" : ""), "application/yaml", yaml);
        if (response.status() == 400) {
            throw configError(response);
        }
        Map<String, Object> result = Values.map(client().json(response));
        if (!printedAsData(result)) {
            print(render(result));
        }
        if (!dryRun && !"ok".equals(Values.text(result, "result"))) {
            throw new CliError(ExitCode.FAILED, "the config was saved, but applying it failed; see the errors above");
        }
        return ExitCode.OK.code();
    }

    private byte[] read() {
        try {
            return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CliError(ExitCode.BAD_CONFIG, file + ": no such file");
        } catch (IOException e) {
            throw new CliError(ExitCode.BAD_CONFIG, file + ": cannot read it: " + e.getMessage());
        }
    }

    /** Every problem of a 400, as {@code FILE:LINE:COLUMN: FIELD: MESSAGE}, the shape editors jump to. */
    private CliError configError(HttpResponse response) {
        Map<String, Object> body;
        try {
            body = Values.map(Json.parse(response.body()));
        } catch (IllegalArgumentException e) {
            return new CliError(ExitCode.BAD_CONFIG, file + ": refused: " + response.body().strip());
        }
        String name = file.equals("-") ? "<stdin>" : file;
        List<String> lines = new ArrayList<>();
        for (Object o : Values.list(body.get("problems"))) {
            Map<String, Object> p = Values.map(o);
            StringBuilder line = new StringBuilder(name);
            if (Values.number(p, "line") > 0) {
                line.append(':').append(Values.number(p, "line"));
                if (Values.number(p, "column") > 0) {
                    line.append(':').append(Values.number(p, "column"));
                }
            }
            line.append(": ");
            String field = Values.text(p, "field");
            if (!field.isEmpty()) {
                line.append(field).append(": ");
            }
            lines.add(line.append(Values.text(p, "message")).toString());
        }
        if (lines.isEmpty()) {
            String field = Values.text(body, "field");
            lines.add(name + ": " + (field.isEmpty() ? "" : field + ": ") + Values.text(body, "error"));
        }
        return new CliError(ExitCode.BAD_CONFIG, lines);
    }

    private String render(Map<String, Object> r) {
        StringBuilder out = new StringBuilder();
        List<Object> restart = Values.list(r.get("restartNeeded"));
        if (dryRun) {
            List<Object> plan = Values.list(r.get("plan"));
            out.append(plan.isEmpty() ? "no changes: the node already matches " + file + "\n"
                    : PlanDiff.render(PlanDiff.parse(plan), terminal()));
        } else {
            List<Object> lines = new ArrayList<>(Values.list(r.get("applied")));
            for (Object p : Values.list(r.get("problems"))) {
                lines.add(withCannot(String.valueOf(p)));
            }
            out.append(lines.isEmpty() ? "applied " + file + ": no changes were needed\n"
                    : "applied " + file + ":\n" + PlanDiff.render(PlanDiff.parse(lines), terminal()));
            for (Object e : Values.list(r.get("errors"))) {
                out.append(terminal().red("error: " + e)).append('\n');
            }
        }
        if (!restart.isEmpty()) {
            out.append("takes effect at the next restart of vmnetd: ").append(String.join(", ",
                    restart.stream().map(String::valueOf).toList())).append('\n');
        }
        return out.toString();
    }

    /** A reconcile's problem line ("data: ...") in the plan's "cannot:" form. */
    private static String withCannot(String problem) {
        int colon = problem.indexOf(": ");
        if (colon < 0 || problem.startsWith("cannot: ", colon + 2)) {
            return problem;
        }
        return problem.substring(0, colon) + ": cannot: " + problem.substring(colon + 2);
    }
}
