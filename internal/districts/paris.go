package districts

// Paris lists the 20 arrondissements: centroid, area and approximate
// population as given in the project's FACTS (INSEE orders of magnitude;
// boundaries from the "arrondissements" open-data set of opendata.paris.fr).
var Paris = []District{
	{"1", "Louvre", 1, 48.8626, 2.3364, 1.83, 15900},
	{"2", "Bourse", 2, 48.8683, 2.3428, 0.99, 20900},
	{"3", "Temple", 3, 48.8629, 2.3600, 1.17, 33000},
	{"4", "Hôtel-de-Ville", 4, 48.8543, 2.3576, 1.60, 28100},
	{"5", "Panthéon", 5, 48.8444, 2.3507, 2.54, 56900},
	{"6", "Luxembourg", 6, 48.8491, 2.3329, 2.15, 40000},
	{"7", "Palais-Bourbon", 7, 48.8562, 2.3122, 4.09, 48400},
	{"8", "Élysée", 8, 48.8727, 2.3126, 3.88, 35000},
	{"9", "Opéra", 9, 48.8772, 2.3375, 2.18, 59800},
	{"10", "Entrepôt", 10, 48.8761, 2.3607, 2.89, 83500},
	{"11", "Popincourt", 11, 48.8591, 2.3801, 3.67, 142600},
	{"12", "Reuilly", 12, 48.8350, 2.4213, 16.32, 139900},
	{"13", "Gobelins", 13, 48.8284, 2.3623, 7.15, 178400},
	{"14", "Observatoire", 14, 48.8292, 2.3265, 5.61, 134400},
	{"15", "Vaugirard", 15, 48.8401, 2.2928, 8.49, 227700},
	{"16", "Passy", 16, 48.8604, 2.2620, 16.37, 165100},
	{"17", "Batignolles-Monceau", 17, 48.8873, 2.3068, 5.67, 166500},
	{"18", "Buttes-Montmartre", 18, 48.8926, 2.3482, 6.00, 191500},
	{"19", "Buttes-Chaumont", 19, 48.8871, 2.3848, 6.79, 183000},
	{"20", "Ménilmontant", 20, 48.8635, 2.4012, 5.98, 187600},
}
