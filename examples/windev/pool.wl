// pool.wl — exemple WinDev : un pool de connexions pour toute l'application.
// Le pool est ouvert une fois au démarrage (code d'initialisation du projet) et fermé à la
// fin. Chaque traitement emprunte une connexion, s'en sert, puis la rend : la poignée de main
// mTLS (≈ 4 ms) n'est payée qu'à la création, une connexion perdue pendant la pause déjeuner
// (wait_timeout, VPN coupé, serveur redémarré) est remplacée sans erreur au prochain emprunt,
// et chaque connexion rendue est remise à zéro (transaction ouverte annulée, variables de
// session et tables temporaires effacées).
// Réglages dans le profil (section pool) : max_size, acquire_timeout_ms, idle_check_seconds,
// max_lifetime_seconds (un certificat renouvelé est pris sans redémarrer l'application).
// Nécessite les procédures de bindings/windev/verrou.wl et verrou.dll.

gsVerrouProfil = ComplèteRep(fRepExe()) + "verrou-profiles.json"
gnPool est un entier système = 0

// Code d'initialisation du projet.
PROCÉDURE InitialisePool()
nProfil est un entier système = VerrouProfilOuvre(gsVerrouProfil, "prod")
QUAND EXCEPTION DANS
	gnPool = VerrouPoolOuvre(nProfil)	// 0 : pool.max_size du profil
FAIRE
	VerrouProfilFerme(nProfil)
	Erreur("Connexion à la base impossible : " + ExceptionInfo(errMessage))
	RETOUR
FIN
VerrouProfilFerme(nProfil)	// le pool garde ce qu'il lui faut

// Un traitement : emprunter, utiliser, rendre — même en cas d'erreur.
PROCÉDURE SoldeClient(nIdClient est un entier) : chaîne
nCnx est un entier système = 0
sJSON est une chaîne
QUAND EXCEPTION DANS
	nCnx = VerrouPoolEmprunte(gnPool)	// -1 : pool.acquire_timeout_ms du profil
	sJSON = VerrouRequête(nCnx, "SELECT name, balance FROM customers WHERE id = ?", [nIdClient])
	VerrouPoolRend(nCnx)
	nCnx = 0
FAIRE
	SI nCnx > 0 ALORS VerrouPoolRend(nCnx)
	// VERROU_E_POOL_TIMEOUT : toutes les connexions sont prises ; VERROU_E_SERVER_GONE : le
	// serveur est tombé pendant la requête (réessayer avec une autre connexion du pool).
	Trace("verrou : " + ExceptionInfo(errMessage))
	RENVOYER ""
FIN
RENVOYER sJSON

// Supervision : état du pool (taille, connexions prêtes, en cours, attentes, remplacées).
PROCÉDURE TracePool()
Trace(VerrouPoolStatistiques(gnPool))

// Code de fermeture du projet.
PROCÉDURE FermePool()
SI gnPool > 0 ALORS VerrouPoolFerme(gnPool)
gnPool = 0
