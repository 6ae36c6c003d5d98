// The language of what a planner reads. The engine measures; words are
// chosen only when a result is rendered (render() in engine.hpp), so one
// loaded engine answers in Chinese or English per call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redline {

enum class Lang { Zh, En };

/// "zh" / "en" (case-insensitive); nullopt otherwise.
std::optional<Lang> parse_lang(std::string_view s);
/// "zh" or "en".
std::string_view lang_code(Lang lang);

/// Picks the Chinese or the English text.
inline const std::string& tr(Lang lang, const std::string& zh, const std::string& en)
{
    return lang == Lang::Zh ? zh : en;
}

/// A text in both languages, for what is decided before the language is
/// known and is too rare to be worth re-deriving (an unusable record's
/// reason). Findings do not carry Text: their checks describe them.
struct Text {
    std::string zh;
    std::string en;
    Text() = default;
    Text(std::string z, std::string e) : zh(std::move(z)), en(std::move(e)) {}
    /// The same words in both languages (e.g. a GDAL message).
    static Text same(std::string s) { return Text(s, s); }
    const std::string& in(Lang lang) const { return lang == Lang::Zh ? zh : en; }
    bool empty() const { return zh.empty() && en.empty(); }
};

inline Text operator+(const Text& a, const Text& b)
{
    return Text(a.zh + b.zh, a.en + b.en);
}

} // namespace redline
