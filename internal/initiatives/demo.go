package initiatives

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
)

// DefaultDemoInitiatives is the size of the demo: a few hundred, enough for
// lists, maps and the synergy board to look like a real city.
const DefaultDemoInitiatives = 300

// demoFooter marks every demo initiative as fictitious on its page.
const demoFooter = "\n\n---\n\n*Initiative fictive, créée pour la démonstration de la plateforme.*"

// demoKind is a kind of initiative the demo writes variations of. In the
// texts, {q} is a neighbourhood as it follows "quartier", {rue} a street,
// {n} a (fictitious) street number, {jour} a weekday and {heure} a time.
type demoKind struct {
	theme     string
	weight    int
	titles    []string
	summaries []string
	body      string
}

var demoKinds = []demoKind{
	{theme: "greening", weight: 12,
		titles: []string{"Jardin partagé du quartier {q}", "Potager collectif au pied des immeubles, {rue}", "Jardin partagé et pédagogique, {rue}"},
		summaries: []string{
			"Un jardin ouvert aux habitants du quartier {q} : légumes de saison, aromatiques et fleurs pour les pollinisateurs, cultivés ensemble sans pesticides.",
			"Des bacs de culture partagés au {n} {rue}, entretenus par les voisins, pour jardiner, apprendre et se rencontrer."},
		body: "## Le projet\n\nNous cultivons ensemble un petit jardin au {n} {rue}, dans le quartier {q} : légumes de saison, aromatiques, fleurs mellifères et un hôtel à insectes.\n\n## Comment participer\n\n- Permanence chaque {jour} à partir de {heure}, outils fournis\n- Aucune expérience nécessaire : on apprend en jardinant\n- Les récoltes sont partagées entre les participants\n\nLe jardin reçoit le compost des cuisines voisines et récupère l'eau de pluie du toit de la loge."},
	{theme: "waste", weight: 10,
		titles: []string{"Repair café du quartier {q}", "Repair café, {rue}", "Atelier réparation entre voisins — quartier {q}"},
		summaries: []string{
			"Une fois par mois, des bénévoles aident à réparer petit électroménager, vêtements, vélos et jouets plutôt que de les jeter.",
			"Grille-pain en panne, ourlet décousu, ordinateur lent ? Venez le réparer avec nous au {n} {rue}."},
		body: "## Réparer plutôt que jeter\n\nLe repair café du quartier {q} réunit des bénévoles bricoleurs et des habitants qui ont un objet en panne.\n\n**Ce que l'on répare :**\n\n- petit électroménager (grille-pain, bouilloire, aspirateur)\n- textile et couture\n- ordinateurs et téléphones (diagnostic, nettoyage)\n- jouets et petits meubles\n\nRendez-vous le premier {jour} du mois à {heure}, au {n} {rue}. Café offert, réparation gratuite : vous réparez *avec* un bénévole, pour apprendre."},
	{theme: "mobility", weight: 9,
		titles: []string{"Atelier vélo participatif du quartier {q}", "Atelier d'autoréparation de vélos, {rue}", "Vélo-école pour adultes — quartier {q}"},
		summaries: []string{
			"Un atelier où chacun apprend à entretenir et réparer son vélo, avec des outils partagés et des bénévoles mécaniciens.",
			"Apprendre à rouler en ville en confiance, puis à entretenir son vélo : séances en petits groupes dans le quartier {q}."},
		body: "## Pédaler mieux, plus longtemps\n\nL'atelier est ouvert chaque {jour} à {heure}, au {n} {rue}.\n\n- réglage des freins et des vitesses, réparation de crevaisons\n- pièces d'occasion récupérées et remises en état\n- séances de remise en selle pour celles et ceux qui n'osent pas encore\n\nUn trajet de 5 km fait à vélo plutôt qu'en voiture évite environ 1 kg de CO2e (voiture à essence : environ 0,21 kgCO2e par km ; source : ADEME, Base Empreinte)."},
	{theme: "waste", weight: 10,
		titles: []string{"Composteur du quartier {q}", "Compost collectif, {rue}", "Lombricompostage en immeuble — quartier {q}"},
		summaries: []string{
			"Un bac de compost partagé où les habitants déposent leurs épluchures ; le compost mûr nourrit les jardins et les pieds d'arbres du quartier.",
			"Réduire la poubelle d'un tiers en compostant les déchets de cuisine de l'immeuble : formation, bacs et suivi par des voisins référents."},
		body: "## Comment ça marche\n\n1. Vous recevez un bio-seau et une courte formation.\n2. Vous déposez vos épluchures aux heures d'ouverture : le {jour} à {heure}.\n3. Les référents retournent et surveillent le compost.\n4. Six à neuf mois plus tard, le compost part dans les jardins du quartier {q}.\n\nLe composteur est installé au {n} {rue}. **Acceptés** : fruits, légumes, marc de café, coquilles d'œufs. **Refusés** : viande, poisson, litière."},
	{theme: "energy", weight: 8,
		titles: []string{"Défi énergie en copropriété, {rue}", "Économies d'énergie dans notre immeuble — quartier {q}", "Équipe de foyers économes du quartier {q}"},
		summaries: []string{
			"Une équipe d'une dizaine de foyers qui se lance le défi de réduire sa consommation d'énergie cet hiver, avec des gestes simples et un suivi des compteurs.",
			"Copropriétaires et locataires du {n} {rue} s'organisent pour réduire les charges de chauffage et préparer la rénovation de l'immeuble."},
		body: "## Le défi\n\nDe décembre à mai, une dizaine de foyers du quartier {q} relèvent leurs compteurs et testent des gestes : chauffage à 19 °C, rideaux fermés la nuit, chasse aux veilles, douches plus courtes.\n\nDans les défis Familles à énergie positive, les foyers ont réduit leur consommation de 12 à 15 % en moyenne (source : bilans du défi Familles à énergie positive / Déclics).\n\n## Les rencontres\n\n- un {jour} par mois à {heure}, au {n} {rue}\n- prêt de wattmètres et de thermomètres\n- visite avec un conseiller pour préparer la rénovation"},
	{theme: "awareness", weight: 8,
		titles: []string{"Ateliers climat dans les écoles du quartier {q}", "Club nature au collège — quartier {q}", "Le tri et le gaspillage expliqués aux enfants, {rue}"},
		summaries: []string{
			"Des bénévoles animent des ateliers ludiques sur le climat dans les classes d'élémentaire, en lien avec les enseignants.",
			"Jeux, expériences et sorties pour que les élèves découvrent le climat, la biodiversité et les gestes qui comptent."},
		body: "## Dans les classes\n\nAvec l'accord des équipes enseignantes, nous proposons des ateliers d'une heure :\n\n- *Pourquoi le climat change-t-il ?* (expériences simples)\n- *Ce que je mange, ce que je jette* (jeu de cartes)\n- *Mon quartier en 2050* (dessin et débat)\n\nLes ateliers ont lieu le {jour} à {heure} dans les écoles du quartier {q}. Nous cherchons des bénévoles à l'aise avec les enfants ; une formation est prévue."},
	{theme: "food", weight: 8,
		titles: []string{"Glanage solidaire au marché — quartier {q}", "Frigo solidaire, {rue}", "Collecte anti-gaspi des invendus du quartier {q}"},
		summaries: []string{
			"À la fin du marché, nous récupérons fruits et légumes invendus et les redistribuons gratuitement aux habitants.",
			"Un réfrigérateur en libre accès où commerçants et voisins déposent les aliments qu'ils ne mangeront pas, au {n} {rue}."},
		body: "## Contre le gaspillage alimentaire\n\nChaque {jour}, à {heure}, une équipe passe chez les commerçants et sur le marché du quartier {q} pour récupérer les invendus encore bons.\n\n- tri sur place, distribution libre au {n} {rue}\n- le reste part au compost\n- règles d'hygiène affichées et respectées (dates, températures)\n\nBénévoles bienvenus pour une heure par semaine."},
	{theme: "greening", weight: 8,
		titles: []string{"Végétaliser nos trottoirs : {rue}", "Plantation d'arbres et de haies — quartier {q}", "Pieds d'arbres fleuris du quartier {q}"},
		summaries: []string{
			"Des habitants plantent et entretiennent les pieds d'arbres et jardinières de leur rue, pour plus de fraîcheur et de biodiversité.",
			"Planter une haie champêtre et des arbres fruitiers dans les espaces libres du quartier {q}, avec les écoles et les bailleurs."},
		body: "## Une rue plus fraîche\n\nLes îlots de verdure rafraîchissent la ville pendant les vagues de chaleur. Nous plantons et arrosons ensemble :\n\n- pieds d'arbres et jardinières de la {rue}\n- plantes vivaces, peu gourmandes en eau\n- nichoirs et abris à insectes\n\nChantier collectif le {jour} à {heure}, départ du {n} {rue}. Gants et outils fournis."},
	{theme: "water", weight: 3,
		titles: []string{"Récupérer l'eau de pluie — quartier {q}", "Chasse aux fuites d'eau, {rue}"},
		summaries: []string{
			"Installer des récupérateurs d'eau de pluie dans les cours et jardins pour arroser sans puiser dans le réseau.",
			"Repérer les fuites, poser des économiseurs et mesurer les litres épargnés dans les immeubles du quartier {q}."},
		body: "## L'eau, une ressource à ménager\n\nNous aidons les immeubles et jardins du quartier {q} à économiser l'eau :\n\n- pose de récupérateurs d'eau de pluie (cuves de 300 à 1 000 litres)\n- repérage des fuites et des chasses d'eau qui coulent\n- conseils pour arroser au bon moment\n\nPermanence le {jour} à {heure}, au {n} {rue}."},
	{theme: "food", weight: 6,
		titles: []string{"AMAP du quartier {q}", "Épicerie vrac participative, {rue}", "Cuisine végétarienne et anti-gaspi — quartier {q}"},
		summaries: []string{
			"Des paniers de légumes bio livrés chaque semaine par un maraîcher d'Île-de-France, avec un engagement à la saison.",
			"Cuisiner ensemble des repas végétariens avec des produits de saison, et partager recettes et astuces anti-gaspillage."},
		body: "## Manger local et de saison\n\nDistribution le {jour} à {heure}, au {n} {rue}, dans le quartier {q}.\n\nUn repas végétarien émet environ 0,85 kgCO2e, contre 5 kgCO2e pour un repas avec du bœuf (source : ADEME, Base Empreinte, valeurs utilisées par Nos Gestes Climat).\n\n- ateliers cuisine une fois par mois\n- visites à la ferme au printemps\n- une part des paniers réservée à des familles à petit budget"},
	{theme: "solidarity", weight: 5,
		titles: []string{"Voisins solidaires en cas de canicule — quartier {q}", "Appels aux voisins isolés l'été, {rue}"},
		summaries: []string{
			"Pendant les fortes chaleurs, des voisins prennent des nouvelles des personnes âgées ou isolées, par téléphone ou à leur porte.",
			"Un réseau de voisins qui repère les personnes isolées et les aide à s'inscrire au registre de la Ville avant l'été."},
		body: "## Personne seul pendant la canicule\n\nDu 1er juin au 15 septembre, notre réseau du quartier {q} :\n\n- appelle les voisins âgés ou isolés qui le souhaitent, deux fois par semaine en cas d'alerte\n- apporte de l'eau et des courses si besoin\n- indique les lieux frais les plus proches\n\nLes personnes âgées de 75 ans et plus, handicapées ou isolées peuvent aussi s'inscrire au registre de la Ville en appelant le 3975 (source : Ville de Paris, registre CHALEX).\n\nRéunion d'équipe le {jour} à {heure}, au {n} {rue}."},
	{theme: "waste", weight: 6,
		titles: []string{"Gratiferia du quartier {q}", "Troc de vêtements et de livres, {rue}", "Ressourcerie éphémère — quartier {q}"},
		summaries: []string{
			"Un marché gratuit : on apporte ce dont on n'a plus besoin, on repart avec ce qui nous sert. Rien n'est vendu.",
			"Vêtements, livres, jouets et vaisselle trouvent une seconde vie lors de nos journées de troc, au {n} {rue}."},
		body: "## Donner une seconde vie aux objets\n\nUn jean neuf pèse environ 25 kgCO2e, un t-shirt près de 6 kgCO2e (source : ADEME, Base Empreinte). Les faire circuler plutôt qu'en racheter, c'est autant d'économisé.\n\n- prochaine édition : un {jour} à {heure}, au {n} {rue}\n- objets propres et en état de marche\n- ce qui reste part à une ressourcerie du quartier {q}"},
	{theme: "mobility", weight: 4,
		titles: []string{"Vélobus de l'école, {rue}", "Pédibus du quartier {q}"},
		summaries: []string{
			"Des parents accompagnent à tour de rôle les enfants à l'école à vélo, sur un trajet fixe avec des arrêts.",
			"Un « bus à pattes » : les enfants vont à l'école à pied, en groupe, accompagnés par des parents bénévoles."},
		body: "## Aller à l'école autrement\n\nLe convoi part chaque matin à 8 h 05 du {n} {rue} et passe par trois arrêts dans le quartier {q}.\n\n- un planning partagé entre parents accompagnateurs\n- gilets réfléchissants fournis\n- une réunion de préparation le {jour} à {heure}\n\nMoins de voitures devant l'école, c'est plus de sécurité et un air plus sain pour tous."},
	{theme: "awareness", weight: 5,
		titles: []string{"Ciné-débat climat du quartier {q}", "Café climat mensuel, {rue}", "Atelier « 2 tonnes » : notre empreinte carbone — quartier {q}"},
		summaries: []string{
			"Un film, puis un débat entre voisins sur ce que nous pouvons faire ici, dans le quartier, pour le climat.",
			"Calculer son empreinte carbone et chercher, ensemble, comment s'approcher des 2 tonnes par personne et par an."},
		body: "## Comprendre pour agir\n\nL'empreinte carbone moyenne d'une personne en France est d'environ 9 tCO2e par an ; l'objectif pour 2050 est d'environ 2 t (source : SDES ; ADEME, Nos Gestes Climat).\n\nNous nous retrouvons le {jour} à {heure}, au {n} {rue}, pour :\n\n- calculer notre empreinte, chacun à son rythme\n- choisir deux ou trois actions à essayer pendant un mois\n- faire le point ensemble le mois suivant"},
	{theme: "solidarity", weight: 5,
		titles: []string{"Distribution alimentaire solidaire — quartier {q}", "Paniers solidaires de légumes, {rue}"},
		summaries: []string{
			"Une distribution hebdomadaire de produits frais et de denrées pour les familles du quartier qui traversent une période difficile.",
			"Des paniers de légumes de saison à prix solidaire, financés en partie par les paniers des autres adhérents."},
		body: "## Bien manger, pour tous\n\nChaque {jour} à {heure}, au {n} {rue}, une équipe de bénévoles du quartier {q} accueille les familles orientées par les travailleurs sociaux.\n\n- produits frais issus de dons et d'invendus\n- accueil sans jugement, café et conversation\n- orientation vers les aides existantes\n\nNous cherchons des bénévoles pour l'accueil, la logistique et la collecte."},
}

// demoPlaces are, per arrondissement, neighbourhoods (as they follow
// "quartier") and streets; numbers are drawn at random, so addresses are
// fictitious.
var demoPlaces = map[string]struct{ quartiers, streets []string }{
	"1":  {[]string{"des Halles", "du Palais-Royal", "Saint-Germain-l'Auxerrois", "de la place Vendôme"}, []string{"rue de Rivoli", "rue Saint-Honoré", "rue Jean-Jacques-Rousseau", "rue de l'Arbre-Sec"}},
	"2":  {[]string{"Vivienne", "du Mail", "Bonne-Nouvelle", "Gaillon"}, []string{"rue Montorgueil", "rue Réaumur", "rue du Sentier", "rue de Cléry"}},
	"3":  {[]string{"des Arts-et-Métiers", "des Enfants-Rouges", "des Archives", "Sainte-Avoye"}, []string{"rue de Bretagne", "rue des Archives", "rue de Turbigo", "rue Charlot"}},
	"4":  {[]string{"Saint-Merri", "Saint-Gervais", "de l'Arsenal", "Notre-Dame"}, []string{"rue Saint-Antoine", "rue des Rosiers", "rue Saint-Paul", "rue de la Verrerie"}},
	"5":  {[]string{"Saint-Victor", "du Jardin-des-Plantes", "du Val-de-Grâce", "de la Sorbonne"}, []string{"rue Mouffetard", "rue Monge", "rue Saint-Jacques", "rue Lacépède"}},
	"6":  {[]string{"de la Monnaie", "de l'Odéon", "Notre-Dame-des-Champs", "Saint-Germain-des-Prés"}, []string{"rue de Vaugirard", "rue de Rennes", "rue du Cherche-Midi", "rue Mazarine"}},
	"7":  {[]string{"Saint-Thomas-d'Aquin", "des Invalides", "de l'École-Militaire", "du Gros-Caillou"}, []string{"rue de Grenelle", "rue Cler", "rue du Bac", "avenue Bosquet"}},
	"8":  {[]string{"des Champs-Élysées", "du Faubourg-du-Roule", "de la Madeleine", "de l'Europe"}, []string{"rue de Rome", "boulevard Malesherbes", "rue de Miromesnil", "rue La Boétie"}},
	"9":  {[]string{"Saint-Georges", "de la Chaussée-d'Antin", "du Faubourg-Montmartre", "Rochechouart"}, []string{"rue des Martyrs", "rue La Fayette", "rue de Clichy", "rue Cadet"}},
	"10": {[]string{"Saint-Vincent-de-Paul", "de la Porte-Saint-Denis", "de la Porte-Saint-Martin", "de l'Hôpital-Saint-Louis"}, []string{"rue du Faubourg-Saint-Denis", "rue de Lancry", "rue des Vinaigriers", "quai de Valmy"}},
	"11": {[]string{"de la Folie-Méricourt", "Saint-Ambroise", "de la Roquette", "Sainte-Marguerite"}, []string{"rue Oberkampf", "rue de la Roquette", "boulevard Voltaire", "rue Saint-Maur"}},
	"12": {[]string{"du Bel-Air", "Picpus", "de Bercy", "des Quinze-Vingts"}, []string{"rue de Charenton", "avenue Daumesnil", "rue de Picpus", "rue de Reuilly"}},
	"13": {[]string{"de la Salpêtrière", "de la Gare", "de la Maison-Blanche", "Croulebarbe"}, []string{"avenue d'Italie", "rue de Tolbiac", "avenue de Choisy", "rue Nationale"}},
	"14": {[]string{"du Montparnasse", "du Parc-de-Montsouris", "du Petit-Montrouge", "de Plaisance"}, []string{"rue d'Alésia", "rue Daguerre", "avenue du Maine", "rue Raymond-Losserand"}},
	"15": {[]string{"Saint-Lambert", "Necker", "de Grenelle", "de Javel"}, []string{"rue de la Convention", "rue du Commerce", "rue Lecourbe", "rue de la Croix-Nivert"}},
	"16": {[]string{"d'Auteuil", "de la Muette", "de la Porte-Dauphine", "de Chaillot"}, []string{"rue de Passy", "avenue Mozart", "rue d'Auteuil", "rue de la Pompe"}},
	"17": {[]string{"des Ternes", "de la Plaine-de-Monceaux", "des Batignolles", "des Épinettes"}, []string{"rue des Batignolles", "avenue de Clichy", "rue Legendre", "rue Cardinet"}},
	"18": {[]string{"des Grandes-Carrières", "de Clignancourt", "de la Goutte-d'Or", "de la Chapelle"}, []string{"rue Ordener", "rue Marcadet", "rue Championnet", "rue Custine"}},
	"19": {[]string{"de la Villette", "du Pont-de-Flandre", "d'Amérique", "du Combat"}, []string{"rue de Crimée", "avenue Jean-Jaurès", "rue Manin", "rue de Flandre"}},
	"20": {[]string{"de Belleville", "Saint-Fargeau", "du Père-Lachaise", "de Charonne"}, []string{"rue des Pyrénées", "rue de Ménilmontant", "rue de Bagnolet", "avenue Gambetta"}},
}

// demoCentres move the centre of the two arrondissements whose centroid
// lies in a wood (Vincennes, Boulogne) to where people live.
var demoCentres = map[string]Point{"12": {48.8405, 2.3900}, "16": {48.8590, 2.2760}}

var (
	demoDays     = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
	demoHours    = []string{"10 h", "14 h", "18 h", "18 h 30", "19 h", "9 h 30"}
	demoPartners = []string{"Association Quartiers en transition (démo)", "Régie de quartier (démo)", "Collectif Répare et partage (démo)",
		"Centre social du quartier (démo)", "Maison de quartier (démo)", "Association des parents d'élèves (démo)"}
)

// demoCluster is a group of initiatives of one kind a few hundred metres
// apart, which the synergy board should suggest bringing together.
type demoCluster struct {
	kind     int
	district string
	size     int
}

var demoClusters = []demoCluster{
	{1, "11", 4}, {0, "20", 4}, {2, "18", 3}, {3, "15", 4}, {4, "13", 3},
	{6, "19", 3}, {5, "14", 3}, {7, "17", 3}, {11, "10", 3}, {10, "12", 3},
}

// demoSpec is one initiative to create.
type demoSpec struct {
	kind     int
	district districts.District
	centre   *Point  // cluster centre, or nil
	spread   float64 // km around the centre
	street   int     // index in the district's streets, -1 for random
	quartier int
}

// SeedDemo creates about n clearly fictitious initiatives across the
// districts, weighted by population, run and joined by the given demo
// volunteers. Without volunteers it creates nothing: every initiative needs
// an owner. The random source is seeded, so every machine gets the same
// demo; dates are relative to now so that it always looks current.
func SeedDemo(ctx context.Context, tx *db.Tx, n int, ds []districts.District, people []int64) error {
	if n <= 0 || len(people) == 0 || len(ds) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(2017, 11)) // the Climate Plan's vote, 20 Nov 2017
	byCode := map[string]districts.District{}
	total := 0
	for _, d := range ds {
		byCode[d.Code] = d
		total += d.Population
	}
	var specs []demoSpec
	for _, c := range demoClusters {
		d, ok := byCode[c.district]
		if !ok || len(specs)+c.size > n/4 {
			continue
		}
		centre := jitter(rng, districtCentre(d), 0.4)
		street := rng.IntN(4)
		for i := range c.size {
			// Half of a cluster shares a street: similar titles and texts.
			s := -1
			if i%2 == 0 {
				s = street
			}
			specs = append(specs, demoSpec{kind: c.kind, district: d, centre: &centre, spread: 0.15, street: s, quartier: street})
		}
	}
	kindTotal := 0
	for _, k := range demoKinds {
		kindTotal += k.weight
	}
	for len(specs) < n {
		d := ds[len(ds)-1]
		if total > 0 {
			pick := rng.IntN(total)
			for _, c := range ds {
				if pick < c.Population {
					d = c
					break
				}
				pick -= c.Population
			}
		} else {
			d = ds[rng.IntN(len(ds))]
		}
		pick, kind := rng.IntN(kindTotal), 0
		for i, k := range demoKinds {
			if pick < k.weight {
				kind = i
				break
			}
			pick -= k.weight
		}
		specs = append(specs, demoSpec{kind: kind, district: d, spread: math.Min(0.3*math.Sqrt(d.AreaKm2), 0.8), street: -1, quartier: -1})
	}
	known := func(code string) bool { _, ok := byCode[code]; return ok }
	order := make([]int, len(people)) // a running partial shuffle to draw members
	for i := range order {
		order[i] = i
	}
	now := db.Now()
	used := map[string]bool{}
	for i, s := range specs {
		if err := seedOne(ctx, tx, rng, i, s, known, used, people, order, now); err != nil {
			return fmt.Errorf("demo initiative %d: %w", i+1, err)
		}
	}
	return nil
}

// postcode is an arrondissement's postal code (75001 to 75020).
func postcode(code string) string {
	if len(code) == 1 {
		code = "0" + code
	}
	return "750" + code
}

func districtCentre(d districts.District) Point {
	if c, ok := demoCentres[d.Code]; ok {
		return c
	}
	return Point{Lat: d.Lat, Lon: d.Lon}
}

// jitter moves p by a normal draw of sd km in each direction.
func jitter(rng *rand.Rand, p Point, sdKm float64) Point {
	const kmPerDegLat = 111.2
	kmPerDegLon := kmPerDegLat * math.Cos(p.Lat*math.Pi/180)
	return Point{Lat: p.Lat + rng.NormFloat64()*sdKm/kmPerDegLat, Lon: p.Lon + rng.NormFloat64()*sdKm/kmPerDegLon}
}

func seedOne(ctx context.Context, tx *db.Tx, rng *rand.Rand, i int, s demoSpec, known func(string) bool, used map[string]bool,
	people []int64, order []int, now time.Time) error {
	fixedStreet := s.street >= 0
	k := demoKinds[s.kind]
	place := demoPlaces[s.district.Code]
	// Two initiatives with the same title look like a bug, not a demo:
	// draw the place words again (never a cluster's street) until the
	// title is new.
	var fill func(string) string
	var title, street, number string
	for try := 0; try < 10 && (title == "" || used[title]); try++ {
		quartier := s.district.Name
		street = "rue de la République"
		if n := len(place.streets); n > 0 {
			st := s.street
			if st < 0 || try > 0 && !fixedStreet {
				st = rng.IntN(n)
			}
			street = place.streets[st%n]
		}
		if n := len(place.quartiers); n > 0 {
			q := s.quartier
			if q < 0 || try > 0 {
				q = rng.IntN(n)
			}
			quartier = place.quartiers[q%n]
		}
		number = strconv.Itoa(1 + rng.IntN(120))
		fill = strings.NewReplacer("{q}", quartier, "{rue}", street, "{n}", number,
			"{jour}", demoDays[rng.IntN(len(demoDays))], "{heure}", demoHours[rng.IntN(len(demoHours))]).Replace
		title = fill(k.titles[rng.IntN(len(k.titles))])
	}
	used[title] = true

	// The life so far: most published, some paused or archived, a few
	// waiting for a moderator (recent, so the queue looks current).
	status := Published
	switch r := rng.IntN(100); {
	case s.centre != nil:
	case r < 5:
		status = Submitted
	case r < 13:
		status = Paused
	case r < 15:
		status = Archived
	}
	age := time.Duration(8+rng.IntN(540))*24*time.Hour + time.Duration(rng.IntN(86400))*time.Second
	if status == Submitted {
		age = time.Duration(1+rng.IntN(10))*24*time.Hour + time.Duration(rng.IntN(86400))*time.Second
	}
	created := now.Add(-age)
	submitted := created.Add(time.Duration(1+rng.IntN(72)) * time.Hour)
	published := submitted.Add(time.Duration(2+rng.IntN(94)) * time.Hour)
	if status == Submitted && submitted.After(now) {
		submitted = now.Add(-time.Minute)
	}

	in := Input{Title: title, Summary: fill(k.summaries[rng.IntN(len(k.summaries))]),
		Description: fill(k.body) + demoFooter, Theme: k.theme, DistrictCode: s.district.Code,
		Address: number + " " + street + ", " + postcode(s.district.Code) + " Paris",
		Contact: fmt.Sprintf("equipe-%03d@demo.invalid", i+1)}
	if s.centre != nil || rng.IntN(5) > 0 { // a fifth have no precise place
		centre := districtCentre(s.district)
		if s.centre != nil {
			centre = *s.centre
		}
		p := jitter(rng, centre, s.spread)
		in.Lat, in.Lon = strconv.FormatFloat(p.Lat, 'f', 5, 64), strconv.FormatFloat(p.Lon, 'f', 5, 64)
	}
	switch r := rng.IntN(10); {
	case r < 6:
		in.Ongoing = true
	case r < 8: // a season
		start := created.AddDate(0, 0, rng.IntN(30))
		in.StartsOn, in.EndsOn = start.Format(time.DateOnly), start.AddDate(0, 2+rng.IntN(10), 0).Format(time.DateOnly)
	default: // a single day, often still to come
		day := now.AddDate(0, 0, rng.IntN(120)-30)
		in.StartsOn, in.EndsOn = day.Format(time.DateOnly), day.Format(time.DateOnly)
	}
	if rng.IntN(5) < 2 {
		in.Partner = demoPartners[rng.IntN(len(demoPartners))]
	}
	if rng.IntN(10) < 3 {
		in.Links = fmt.Sprintf("https://example.org/initiatives-demo/%d", i+1)
	}
	v, errs := in.validate(known)
	if len(errs) > 0 {
		return fmt.Errorf("invalid demo input %+v: %v", errs, in.Title)
	}

	// Organisers: an owner, sometimes a second organiser. Clusters' owners
	// accept introductions, so the synergy board can act on them.
	draw := func(k int) []int64 {
		k = min(k, len(order))
		out := make([]int64, k)
		for j := range k {
			x := j + rng.IntN(len(order)-j)
			order[j], order[x] = order[x], order[j]
			out[j] = people[order[j]]
		}
		return out
	}
	nOrg := 1
	if rng.IntN(10) < 3 && len(people) > 1 {
		nOrg = 2
	}
	participants, followers := 0, 0
	if status != Submitted {
		pop := rng.Float64() * rng.Float64() // most are small, a few popular
		participants, followers = int(pop*45)+rng.IntN(4), int(pop*60)+rng.IntN(6)
	}
	chosen := draw(nOrg + participants + followers)
	participants = min(participants, len(chosen)-nOrg)
	followers = min(followers, len(chosen)-nOrg-participants)

	id, err := insertInitiative(ctx, tx, v, districtCentre(s.district), chosen[0], Draft, created)
	if err != nil {
		return err
	}
	for j, u := range chosen[:nOrg] {
		role, consent := RoleOwner, s.centre != nil || rng.IntN(2) == 0
		if j > 0 {
			role, consent = RoleOrganiser, rng.IntN(2) == 0
		}
		if err := addOrganiser(ctx, tx, id, u, role, consent, created); err != nil {
			return err
		}
	}
	last := created
	if status != Draft {
		if err := setStatus(ctx, tx, id, []Status{Draft}, Submitted, submitted); err != nil {
			return err
		}
		last = submitted
	}
	if status != Submitted && status != Draft {
		if err := setStatus(ctx, tx, id, []Status{Submitted}, Published, published); err != nil {
			return err
		}
		if _, err := insertDecision(ctx, tx, id, 0, Approve, "", published); err != nil {
			return err
		}
		last = published
	}
	if status == Paused || status == Archived {
		last = published.Add(time.Duration(rng.Int64N(int64(now.Sub(published))/2 + 1)))
		if err := setStatus(ctx, tx, id, []Status{Published}, status, last); err != nil {
			return err
		}
	}
	if err := reindex(ctx, tx, id); err != nil {
		return err
	}
	return seedMembers(ctx, tx, rng, id, chosen[nOrg:nOrg+participants], chosen[nOrg+participants:nOrg+participants+followers], published, now)
}

// seedMembers adds participants and followers who joined between since and
// now, and sets the counters to match the rows.
func seedMembers(ctx context.Context, tx *db.Tx, rng *rand.Rand, id int64, participants, followers []int64, since, now time.Time) error {
	if len(participants)+len(followers) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("INSERT INTO initiative_members (initiative_id, user_id, role, created_at) VALUES ")
	args := make([]any, 0, 4*(len(participants)+len(followers)))
	span := int64(now.Sub(since)) + 1
	add := func(users []int64, role string) {
		for _, u := range users {
			if len(args) > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?, ?, ?)")
			args = append(args, id, u, role, since.Add(time.Duration(rng.Int64N(span))))
		}
	}
	add(participants, RoleParticipant)
	add(followers, RoleFollower)
	if _, err := tx.Exec(ctx, q.String(), args...); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE initiatives SET participants = ?, followers = ? WHERE id = ?", len(participants), len(followers), id)
	return err
}
