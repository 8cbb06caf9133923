package io.vmnetd.daemon.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Decides who may use the API socket: reading is for root and the members of {@code socketGroup} (and of
 * {@code adminGroup}); changing the node (any request that is not a GET, but a dry run) is for root and, only when
 * an operator opts a group in with {@code adminGroup}, its members. File permissions on the socket already keep
 * others out; this is the second line, and the one that still holds if the socket's mode is loosened.
 *
 * <p>SO_PEERCRED carries only the caller's primary gid, so supplementary membership is taken from the group
 * database (the user's name listed in the group), not from the caller's process.
 */
public final class CallerAuthorizer {

    private final String groupName;
    private final Optional<String> adminGroup;
    private final GroupDirectory directory;

    public CallerAuthorizer(String groupName, GroupDirectory directory) {
        this(groupName, Optional.empty(), directory);
    }

    public CallerAuthorizer(String groupName, Optional<String> adminGroup, GroupDirectory directory) {
        this.groupName = Objects.requireNonNull(groupName, "groupName");
        this.adminGroup = Objects.requireNonNull(adminGroup, "adminGroup");
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Why {@code caller} may not read, or empty when it may. */
    public Optional<String> refusal(Caller caller) {
        if (caller.uid() == 0 || isMember(caller, groupName) || adminGroup.filter(g -> isMember(caller, g)).isPresent()) {
            return Optional.empty();
        }
        String refusal = "uid " + caller.uid() + " is neither root nor a member of group " + groupName;
        return Optional.of(directory.group(groupName).isPresent() ? refusal : refusal + " (the group does not exist)");
    }

    /** Why {@code caller} may not change the node, or empty when it may. */
    public Optional<String> writeRefusal(Caller caller) {
        if (caller.uid() == 0 || adminGroup.filter(g -> isMember(caller, g)).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("uid " + caller.uid() + " may read but not change the node: that is for root"
                + adminGroup.map(g -> " and members of group " + g).orElse(" (no adminGroup is configured)"));
    }

    private boolean isMember(Caller caller, String name) {
        Optional<GroupDirectory.Group> group = directory.group(name);
        if (group.isEmpty()) {
            return false;
        }
        if (caller.gid() == group.get().gid()) {
            return true;
        }
        Optional<String> user = directory.userName(caller.uid());
        return user.isPresent() && group.get().members().contains(user.get());
    }

    public String groupName() {
        return groupName;
    }
}
