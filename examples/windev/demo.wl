// demo.wl — exemple WinDev : connexion mTLS, requête paramétrée, hachage et vérification.
// Nécessite les procédures de bindings/windev/verrou.wl et verrou.dll à côté de l'exécutable.
// Les procédures Verrou* signalent une erreur par une exception (ExceptionDéclenche) :
// QUAND EXCEPTION DANS l'intercepte, ExceptionInfo(errCode) = -code VERROU_E_*.

gsVerrouProfil = ComplèteRep(fRepExe()) + "verrou-profiles.json"

QUAND EXCEPTION DANS
	Trace("verrou " + VerrouVersion())

	nCnx est un entier système = VerrouConnecte("dev")
	Trace("Connexion : " + VerrouInfoConnexion(nCnx))	// tls_version, cipher, current_user

	sJSON est une chaîne = VerrouRequête(nCnx, "SELECT id, name, email FROM appdb.customers WHERE id >= ? ORDER BY id", [2])
	vRes est un Variant = JSONVersVariant(sJSON)
	POUR TOUT vLigne DE vRes.rows
		Trace(ChaîneConstruit("%1 : %2", vLigne[1], vLigne[2]))	// id (nombre) : name
	FIN
	VerrouDéconnecte(nCnx)

	sHash est une chaîne = VerrouHache("correct horse battery staple")
	Trace("Hash : " + sHash)
	Trace("Bon mot de passe : " + VerrouVérifie("correct horse battery staple", sHash))		// 1
	Trace("Mauvais mot de passe : " + VerrouVérifie("Correct horse battery staple", sHash))	// 0
FAIRE
	Erreur("verrou : " + ExceptionInfo(errMessage))
FIN

VerrouDécharge()	// fin de l'application : ferme le hacheur, DéchargeDLL
