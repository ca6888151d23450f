// colonne_chiffree.wl — exemple WinDev : une colonne IBAN chiffrée et son index aveugle.
// Nécessite les procédures de bindings/windev/verrou.wl et verrou.dll à côté de l'exécutable,
// et un profil dont l'environnement a une section encryption (docs/encryption.md) :
//   "encryption": { "current_key": "k2026", "keys": { "k2026": { "file": "C:\\secrets\\k2026.key" } },
//                   "current_index_key": "idx1", "index_keys": { "idx1": { "file": "C:\\secrets\\idx1.key" } } }
// Les clés se créent avec : verrou keys new --out C:\secrets\k2026.key
//
// Ce que voit un SELECT, une sauvegarde ou un export : "verrou:v1:k2026:..." et "vbi1:idx1:...",
// jamais l'IBAN. L'IBAN n'existe en clair que dans l'application, le temps de son usage.

gsVerrouProfil = ComplèteRep(fRepExe()) + "verrou-profiles.json"

QUAND EXCEPTION DANS
	nCnx est un entier système = VerrouConnecte("dev")
	VerrouExécute(nCnx, "CREATE TABLE IF NOT EXISTS appdb.comptes (id INT PRIMARY KEY, nom VARCHAR(100), " + ...
		"iban_chiffre TEXT NOT NULL, iban_index VARCHAR(64) NOT NULL, INDEX (iban_index))")

	// Enregistrement : la valeur chiffrée est liée à sa ligne et à sa colonne par le contexte
	// ("comptes.iban#42") ; l'index aveugle n'utilise que la colonne ("comptes.iban"), pour
	// qu'un même IBAN donne le même index dans toutes les lignes.
	nId est un entier = 42
	sIBAN est une chaîne = "FR7630006000011234567890189"
	sChiffré est une chaîne = VerrouChiffre(sIBAN, "comptes.iban#" + nId)
	sIndex est une chaîne = VerrouIndexAveugle(sIBAN, "comptes.iban")
	VerrouExécute(nCnx, "INSERT INTO appdb.comptes VALUES (?, ?, ?, ?)", [nId, "Alice Martin", sChiffré, sIndex])

	// Recherche par IBAN : on calcule l'index de la valeur cherchée, on cherche l'égalité.
	sJSON est une chaîne = VerrouRequête(nCnx, "SELECT id, nom, iban_chiffre FROM appdb.comptes WHERE iban_index = ?", ...
		[VerrouIndexAveugle("FR7630006000011234567890189", "comptes.iban")])
	vRes est un Variant = JSONVersVariant(sJSON)
	POUR TOUT vLigne DE vRes.rows
		// Déchiffrement avec le même contexte que le chiffrement (id de la ligne).
		Trace(ChaîneConstruit("%1 : %2, IBAN %3", vLigne[1], vLigne[2], VerrouDéchiffre(vLigne[3], "comptes.iban#" + vLigne[1])))
	FIN

	// Rotation des clés : après avoir ajouté la nouvelle clé et changé current_key dans le
	// profil, les valeurs existantes restent lisibles ; on les rechiffre au fil de l'eau (ou
	// toutes d'un coup avec : verrou field rewrap-table ...), sans jamais voir l'IBAN.
	SI VerrouRechiffrementNécessaire(sChiffré) ALORS
		VerrouExécute(nCnx, "UPDATE appdb.comptes SET iban_chiffre = ? WHERE id = ? AND iban_chiffre = ?", ...
			[VerrouRechiffre(sChiffré, "comptes.iban#" + nId), nId, sChiffré])
	FIN
	VerrouDéconnecte(nCnx)
FAIRE
	// Mauvais contexte, valeur modifiée ou clé inconnue : l'exception porte le numéro 999 et le
	// code exact (par exemple VERROU_E_ENCRYPTION_AUTH_FAILED) est dans gnVerrouCodeException.
	SI gnVerrouCodeException = VERROU_E_ENCRYPTION_AUTH_FAILED ALORS
		Erreur("Valeur chiffrée refusée (contexte, altération ou clé) : " + ExceptionInfo(errMessage))
	SINON
		Erreur("verrou : " + ExceptionInfo(errMessage))
	FIN
FIN

VerrouDécharge()	// fin de l'application : ferme le hacheur et le chiffreur, DéchargeDLL
