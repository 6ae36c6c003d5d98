// Longitudes and latitudes as people type them in spreadsheets and survey
// forms: decimal degrees ("119.6176"), or degrees-minutes-seconds in the
// common forms — 119°37′03.30″, 119°37'03.30"E, 119度37分03.30秒,
// 东经119°37′3.3″, N 29°05′, full-width digits, with or without seconds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace redline::degrees {

enum class Axis { Lon, Lat };

struct Parsed {
    double value = 0;    ///< decimal degrees, negative for W / S / a leading '-'
    bool dms = false;    ///< written as degrees-minutes(-seconds)
};

/// Parses one coordinate. Minutes and seconds must be below 60; a
/// hemisphere letter or word must fit `axis` (E/W/东经/西经 for a longitude,
/// N/S/北纬/南纬 for a latitude) and appear once. nullopt for anything else
/// (a wrong number is worse than an ERROR row).
std::optional<Parsed> parse(std::string_view text, Axis axis);

/// Decimal degrees as text that reads back as the same double (17 significant digits at most,
/// shortest form).
std::string to_text(double degrees);

} // namespace redline::degrees
