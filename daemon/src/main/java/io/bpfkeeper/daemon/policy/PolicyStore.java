package io.bpfkeeper.daemon.policy;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force, read from a directory of drop-ins. A reload that finds a bad file keeps the
 * policy in force and logs why.
 */
public final class PolicyStore {

    private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);

    private final Path directory;
    private volatile Policy current;

    private PolicyStore(Path directory, Policy current) {
        this.directory = directory;
        this.current = current;
    }

    /**
     * Reads the policy at start.
     *
     * @param directory null for the default policy alone
     * @throws PolicyException when a file is bad: the daemon must not start with a policy it cannot read
     */
    public static PolicyStore open(Path directory) throws PolicyException {
        Policy policy = directory != null ? Policy.load(directory) : Policy.DEFAULT;
        if (directory != null) {
            log.info("policy: {} rules from {} files in {}", policy.ruleCount(), policy.files().size(), directory);
        }
        return new PolicyStore(directory, policy);
    }

    /** A store that always holds {@code policy}, for tests and tools. */
    public static PolicyStore of(Policy policy) {
        return new PolicyStore(null, policy);
    }

    public Policy current() {
        return current;
    }

    /** Reads the directory again; returns whether the new policy is in force. */
    public boolean reload() {
        if (directory == null) {
            return true;
        }
        try {
            Policy policy = Policy.load(directory);
            current = policy;
            log.info("policy reloaded: {} rules from {} files in {}", policy.ruleCount(), policy.files().size(),
                    directory);
            return true;
        } catch (PolicyException e) {
            log.error("policy reload failed; the previous policy stays in force: {}", e.getMessage());
            return false;
        }
    }
}
