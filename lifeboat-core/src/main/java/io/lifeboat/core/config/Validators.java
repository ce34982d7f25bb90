package io.lifeboat.core.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Single-key validators shared by the connectors' config definitions. */
public final class Validators {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /** S3 bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens. */
    public static final ConfigDef.Validator S3_BUCKET_NAME = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String s = ((String) value).trim();
            if (!s.isEmpty() && !BUCKET.matcher(s).matches()) {
                throw new ConfigException(name, value, "a bucket name has 3 to 63 characters: lower-case letters, "
                        + "digits, '.' and '-', starting and ending with a letter or digit");
            }
        }

        @Override
        public String toString() {
            return "an S3 bucket name";
        }
    };

    /** An absolute http or https URL. */
    public static final ConfigDef.Validator HTTP_URL = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || ((String) value).isBlank()) {
                return;
            }
            try {
                URI uri = new URI(((String) value).trim());
                if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                        || uri.getHost() == null) {
                    throw new ConfigException(name, value, "expected an http:// or https:// URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "an http:// or https:// URL";
        }
    };

    /** An absolute local path. */
    public static final ConfigDef.Validator ABSOLUTE_PATH = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value != null && !((String) value).isBlank() && !Path.of(((String) value).trim()).isAbsolute()) {
                throw new ConfigException(name, value, "must be an absolute path");
            }
        }

        @Override
        public String toString() {
            return "an absolute path";
        }
    };

    /** A key prefix: printable, no '..' path segments, no backslashes. */
    public static final ConfigDef.Validator OBJECT_KEY_PREFIX = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return;
            }
            String s = (String) value;
            for (String segment : s.split("/")) {
                if (segment.equals("..") || segment.equals(".")) {
                    throw new ConfigException(name, value, "a prefix may not contain '.' or '..' path segments");
                }
            }
            if (s.contains("\\") || s.chars().anyMatch(Character::isISOControl)) {
                throw new ConfigException(name, value, "a prefix may not contain backslashes or control characters");
            }
        }

        @Override
        public String toString() {
            return "a '/'-separated key prefix";
        }
    };

    /** {@code check} with a description for the REST API and the generated docs. */
    public static ConfigDef.Validator described(String description, ConfigDef.Validator check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.ensureValid(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    private Validators() {
    }
}
