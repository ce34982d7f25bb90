package io.lifeboat.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options of one command: {@code --name value} options, {@code --flag} switches (from a
 * known set) and positional arguments. Unknown or repeated options are usage errors.
 */
public final class Args {

    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param allowedOptions names (without dashes) that take a value
     * @param allowedFlags   names that take no value
     * @throws UsageException on an unknown option or a missing value
     */
    public static Args parse(List<String> args, Set<String> allowedOptions, Set<String> allowedFlags) {
        Args parsed = new Args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                parsed.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (allowedFlags.contains(name) && value == null) {
                value = "true";
            } else if (allowedOptions.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
            if (parsed.options.put(name, value) != null) {
                throw new UsageException("--" + name + " is given twice");
            }
        }
        return parsed;
    }

    public String get(String name) {
        return options.get(name);
    }

    public String required(String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + name + " is required");
        }
        return value;
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    /** An integer option, or {@code fallback} when absent. */
    public long number(String name, long fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + value + "'");
        }
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** A mistake in the command line; Main prints it with the usage text. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }
}
