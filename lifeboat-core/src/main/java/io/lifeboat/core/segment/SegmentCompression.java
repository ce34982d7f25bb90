package io.lifeboat.core.segment;

import org.apache.avro.file.CodecFactory;

import java.util.Arrays;
import java.util.Locale;

/** The compression codecs a segment can use; each is a standard Avro container-file codec. */
public enum SegmentCompression {
    ZSTD(CodecFactory.zstandardCodec(3, false, true)),
    SNAPPY(CodecFactory.snappyCodec()),
    GZIP(CodecFactory.deflateCodec(6)),
    NONE(CodecFactory.nullCodec());

    private final CodecFactory codec;

    SegmentCompression(CodecFactory codec) {
        this.codec = codec;
    }

    CodecFactory codec() {
        return codec;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SegmentCompression fromConfigName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(SegmentCompression::configName).toArray(String[]::new);
    }
}
