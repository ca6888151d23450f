// connexion.wl — exemple WinDev : la logique d'un écran de connexion avec verrou.
// Un seul appel par tentative : VerrouConnexionUtilisateur lit la ligne de l'utilisateur,
// interroge le garde partagé dans MariaDB (mêmes limites sur tous les postes), vérifie le mot
// de passe et écrit ce qui change (compteurs, nouveau hash). L'application ne fait que traduire
// le verdict en message. Ne jamais afficher « utilisateur inconnu » : un identifiant inconnu
// reçoit VERROU_LOGIN_DENIED, exactement comme un mauvais mot de passe.
// Nécessite les procédures de bindings/windev/verrou.wl, verrou.dll, la section login du
// profil et la table du garde (verrou login init --profile verrou-profiles.json --env prod).

gsVerrouProfil = ComplèteRep(fRepExe()) + "verrou-profiles.json"
gnCnxConnexion est un entier système = 0

// Code du bouton « Se connecter » (SAI_Identifiant, SAI_MotDePasse : champs de la fenêtre).
PROCÉDURE BTN_SeConnecter_Clic()
nDélai est un entier = -1
nVerdict est un entier système
QUAND EXCEPTION DANS
	SI gnCnxConnexion = 0 ALORS gnCnxConnexion = VerrouConnecte("prod")
	// Source : ce qui identifie le poste, pour le budget par poste (adresse IP côté web).
	nVerdict = VerrouConnexionUtilisateur(gnCnxConnexion, SAI_Identifiant, SAI_MotDePasse, NetNomMachine(), nDélai)
	SAI_MotDePasse = ""	// ne pas garder le mot de passe dans le champ
FAIRE
	// Erreur technique (réseau, table du garde absente...) : message neutre, détail au journal.
	Trace("verrou : " + ExceptionInfo(errMessage))
	Erreur("La connexion est impossible pour le moment. Réessayez ou contactez le support.")
	RETOUR
FIN

SELON nVerdict
	CAS VERROU_LOGIN_GRANTED, VERROU_LOGIN_GRANTED_REHASHED
		// GRANTED_REHASHED : le nouveau hash est déjà enregistré, rien à faire.
		Ouvre(FEN_Accueil)
	CAS VERROU_LOGIN_DENIED
		Erreur("Identifiant ou mot de passe incorrect.")
	CAS VERROU_LOGIN_THROTTLED
		Erreur(ChaîneConstruit("Trop de tentatives. Réessayez dans %1 seconde(s).", nDélai))
	CAS VERROU_LOGIN_LOCKED
		SI nDélai >= 0 ALORS
			Erreur(ChaîneConstruit("Ce compte est bloqué. Réessayez dans %1 minute(s).", (nDélai + 59) / 60))
		SINON
			Erreur("Ce compte est bloqué. Contactez votre administrateur.")
		FIN
FIN

// Écran d'administration : débloquer un compte.
PROCÉDURE BTN_Débloquer_Clic()
QUAND EXCEPTION DANS
	SI VerrouDéverrouilleUtilisateur(gnCnxConnexion, SAI_CompteÀDébloquer) ALORS
		Info("Compte débloqué.")
	SINON
		Info("Ce compte n'avait aucun échec enregistré.")
	FIN
FAIRE
	Erreur("verrou : " + ExceptionInfo(errMessage))
FIN
