package io.vmnetd.daemon.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Decides who may use the API socket: root, or a member of the configured group. File permissions on the socket
 * already keep others out; this is the second line, and the one that still holds if the socket's mode is loosened.
 *
 * <p>SO_PEERCRED carries only the caller's primary gid, so supplementary membership is taken from the group
 * database (the user's name listed in the group), not from the caller's process.
 */
public final class CallerAuthorizer {

    private final String groupName;
    private final GroupDirectory directory;

    public CallerAuthorizer(String groupName, GroupDirectory directory) {
        this.groupName = Objects.requireNonNull(groupName, "groupName");
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Why {@code caller} is refused, or empty when it is allowed. */
    public Optional<String> refusal(Caller caller) {
        if (caller.uid() == 0) {
            return Optional.empty();
        }
        Optional<GroupDirectory.Group> group = directory.group(groupName);
        if (group.isPresent()) {
            if (caller.gid() == group.get().gid()) {
                return Optional.empty();
            }
            Optional<String> user = directory.userName(caller.uid());
            if (user.isPresent() && group.get().members().contains(user.get())) {
                return Optional.empty();
            }
        }
        String refusal = "uid " + caller.uid() + " is neither root nor a member of group " + groupName;
        return Optional.of(group.isPresent() ? refusal : refusal + " (the group does not exist)");
    }

    public String groupName() {
        return groupName;
    }
}
