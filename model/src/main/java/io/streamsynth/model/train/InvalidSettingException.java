package io.streamsynth.model.train;

/**
 * A setting that breaks its own range or a rule it shares with another setting. It names the setting
 * the way every front end spells it once its own punctuation is taken away: {@code samples-per-class}
 * is the flag {@code --samples-per-class} and the {@code catalogs} topic's field {@code samples_per_class}.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final String reason;

    /**
     * @param setting the setting's name in lower case words joined by '-', e.g. {@code samples-per-class}
     * @param reason  why, e.g. "must be even with synthesis symm (it pairs the samples of a class), got 7"
     */
    public InvalidSettingException(String setting, String reason) {
        super(setting + " " + reason);
        this.setting = setting;
        this.reason = reason;
    }

    public String setting() {
        return setting;
    }

    public String reason() {
        return reason;
    }

    /** As a command-line flag: {@code --samples-per-class must be even ...}. */
    public String asFlag() {
        return "--" + setting + " " + reason;
    }

    /** As a JSON field: {@code samples_per_class: must be even ...}. */
    public String asField() {
        return setting.replace('-', '_') + ": " + reason;
    }
}
