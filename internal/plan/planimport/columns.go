package planimport

import "strings"

// Canonical column names, used in problems and in Diff changes.
const (
	colIdentifier  = "identifier"
	colTitle       = "title"
	colTheme       = "theme"
	colStatus      = "status"
	colPhase       = "phase"
	colStart       = "start"
	colEnd         = "end"
	colProgress    = "progress"
	colDepartments = "departments"
	colParent      = "parent"
	colWeight      = "weight"
	colPartners    = "partners"
	colDescription = "description"
)

// headerAliases maps a normalised header (see normalise) to its column.
// City staff export from spreadsheets in French or English, with or without
// accents and spaces, so both languages and their usual variants are accepted.
var headerAliases = map[string]string{
	"identifiant": colIdentifier, "identifier": colIdentifier, "id": colIdentifier, "code": colIdentifier,
	"titre": colTitle, "title": colTitle, "intitule": colTitle,
	"theme": colTheme, "identifianttheme": colTheme, "themeid": colTheme, "themeidentifier": colTheme,
	"statut": colStatus, "status": colStatus, "etat": colStatus,
	"phase": colPhase, "phasedemiseenoeuvre": colPhase, "implementationphase": colPhase,
	"debut": colStart, "datededebut": colStart, "datedebut": colStart, "start": colStart, "startdate": colStart,
	"fin": colEnd, "datedefin": colEnd, "datefin": colEnd, "end": colEnd, "enddate": colEnd,
	"avancement": colProgress, "progression": colProgress, "progress": colProgress,
	"directions": colDepartments, "directionsresponsables": colDepartments, "services": colDepartments,
	"servicesresponsables": colDepartments, "departments": colDepartments, "responsibledepartments": colDepartments,
	"parent": colParent, "identifiantparent": colParent, "actionparente": colParent, "parentidentifier": colParent, "parentid": colParent,
	"poids": colWeight, "ponderation": colWeight, "weight": colWeight,
	"partenaires": colPartners, "partners": colPartners,
	"description": colDescription, "descriptif": colDescription,
}

// statusWords maps a normalised status cell to a Status. Empty cells are
// handled by the parser (not started).
var statusWords = map[string]Status{
	"not_started": StatusNotStarted, "non_commence": StatusNotStarted, "non_demarre": StatusNotStarted, "a_venir": StatusNotStarted,
	"on_track": StatusOnTrack, "en_cours": StatusOnTrack, "dans_les_temps": StatusOnTrack, "en_bonne_voie": StatusOnTrack,
	"late": StatusLate, "en_retard": StatusLate,
	"done": StatusDone, "termine": StatusDone, "fait": StatusDone, "realise": StatusDone,
	"cancelled": StatusCancelled, "canceled": StatusCancelled, "annule": StatusCancelled, "abandonne": StatusCancelled,
	"merged": StatusMerged, "fusionne": StatusMerged,
}

// accentFree folds the accented letters of French to plain ones, so that
// "Thème", "Theme" and "THEME" name the same column.
var accentFree = strings.NewReplacer(
	"à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe",
)

// normaliseHeader keeps only letters and digits of a lowercased, accent-free
// header: "Date de début" becomes "datededebut".
func normaliseHeader(s string) string {
	s = accentFree.Replace(strings.ToLower(strings.TrimSpace(s)))
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normaliseStatus turns "Non commencé" and "not-started" into the keys of statusWords.
func normaliseStatus(s string) string {
	s = accentFree.Replace(strings.ToLower(strings.TrimSpace(s)))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '-' || r == '_' || r == '\''
	}), "_")
}
