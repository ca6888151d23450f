// verrou.wl — procédures WLanguage autour de verrou.dll (API C de include/verrou.h).
//
// À copier dans une collection de procédures globales : tout ce qui précède la première
// PROCÉDURE (constantes et variables globales) va dans le code « Déclarations » de la
// collection ; chaque PROCÉDURE devient une procédure de la collection. Les procédures
// VerrouInterne* sont PRIVÉES : appelables seulement depuis cette collection.
//
// Chaque fonction de la DLL est appelée par API("verrou", "verrou_...", ...) après ChargeDLL ;
// chaque résultat est reçu dans un entier système (8 octets en 64 bits, 4 en 32 bits), de même
// que chaque argument entier : >= 0 réussite, < 0 code d'erreur VERROU_E_*.
// Les chaînes partent en UTF-8 terminé par un zéro : Buffer = ChaîneVersUTF8(s) + Caract(0),
// passé par adresse (&buf) ; jamais une chaîne WLanguage directement (elle partirait en ANSI ou
// en UTF-16, pas en UTF-8). Les sorties sont relues par UTF8VersChaîne sur exactement la
// longueur renvoyée (sans le zéro final). Une erreur déclenche une exception WLanguage
// (ExceptionDéclenche, à intercepter par QUAND EXCEPTION DANS) : numéro = -code VERROU_E_*
// (1 à 999), message = fonction, nom du code, code et message de la DLL (jamais un mot de
// passe) ; 1000 = verrou.dll impossible à charger. Voir LISEZMOI.md.
//
// Les noms des fonctions de la DLL et les constantes (codes VERROU_E_*, verdicts) sont vérifiés
// par tests/python/check_abi_consistency.py : toute fonction ou tout code ajouté à verrou.h doit
// apparaître ici, avec la même valeur.

CONSTANTE
	// DÉBUT des codes d'erreur (générés par tools/error_table.py depuis include/verrou/error_codes.def ; ne pas modifier ici).
	// Mêmes noms et valeurs que les VERROU_E_* de verrou.h ; le détail de chaque code est dans
	// docs/errors.md.
	// Utilisation : argument, identifiant, buffer, UTF-8 (-1 à -99)
	VERROU_E_INVALID_ARGUMENT = -1
	VERROU_E_BUFFER_TOO_SMALL = -2
	VERROU_E_INVALID_HANDLE = -3
	VERROU_E_INVALID_UTF8 = -4
	VERROU_E_TOO_LARGE = -5

	// Profil : fichier, syntaxe, clés, environnements (-100 à -199)
	VERROU_E_CONFIG_UNREADABLE = -100
	VERROU_E_CONFIG_SYNTAX = -101
	VERROU_E_CONFIG_UNKNOWN_KEY = -102
	VERROU_E_CONFIG_WRONG_TYPE = -103
	VERROU_E_CONFIG_MISSING_KEY = -104
	VERROU_E_CONFIG_DUPLICATE = -105
	VERROU_E_CONFIG_UNKNOWN_ENVIRONMENT = -106
	VERROU_E_CONFIG_INVALID_VALUE = -107
	VERROU_E_CONFIG_UNSAFE = -108

	// Secrets : mot de passe, phrase de passe, poivre (-200 à -299)
	VERROU_E_SECRET_NOT_FOUND = -200
	VERROU_E_SECRET_UNREADABLE = -201
	VERROU_E_SECRET_EMPTY = -202
	VERROU_E_SECRET_TOO_SHORT = -203
	VERROU_E_SECRET_ENV_MISSING = -204

	// Certificats locaux : lecture, dates, chaîne, clé, CRL, garde (-300 à -399)
	VERROU_E_CERT_FILE_MISSING = -300
	VERROU_E_CERT_UNREADABLE = -301
	VERROU_E_CERT_PARSE = -302
	VERROU_E_CERT_EXPIRED = -303
	VERROU_E_CERT_NOT_YET_VALID = -304
	VERROU_E_CERT_UNTRUSTED = -305
	VERROU_E_CERT_KEY_MISMATCH = -306
	VERROU_E_CERT_KEY_ENCRYPTED = -307
	VERROU_E_CERT_KEY_PASSPHRASE = -308
	VERROU_E_CERT_REVOKED = -309
	VERROU_E_CERT_ENVIRONMENT_GUARD = -310
	VERROU_E_CERT_PIN_MISMATCH = -311
	VERROU_E_CERT_PERMISSIONS = -312
	VERROU_E_CERT_CRL = -313
	VERROU_E_CERT_REJECTED_BY_SERVER = -314
	VERROU_E_CERT_OCSP_UNAVAILABLE = -315
	VERROU_E_CERT_OCSP_INVALID = -316

	// Réseau : DNS, TCP (-400 à -499)
	VERROU_E_NETWORK_DNS = -400
	VERROU_E_NETWORK_REFUSED = -401
	VERROU_E_NETWORK_TIMEOUT = -402
	VERROU_E_NETWORK_UNREACHABLE = -403
	VERROU_E_NETWORK_LOST = -404

	// TLS : poignée de main, identité du serveur, version (-500 à -599)
	VERROU_E_TLS_HANDSHAKE = -500
	VERROU_E_TLS_UNTRUSTED_SERVER = -501
	VERROU_E_TLS_NAME_MISMATCH = -502
	VERROU_E_TLS_VERSION_TOO_LOW = -503
	VERROU_E_TLS_NOT_OFFERED = -504
	VERROU_E_TLS_SERVER_CERT_EXPIRED = -505
	VERROU_E_TLS_SERVER_PIN_MISMATCH = -506

	// Authentification refusée par le serveur (-600 à -699)
	VERROU_E_AUTH_DENIED = -600
	VERROU_E_AUTH_CERTIFICATE_REQUIRED = -601

	// Serveur et requêtes SQL (-700 à -799)
	VERROU_E_SERVER_ERROR = -700
	VERROU_E_QUERY_ERROR = -701
	VERROU_E_QUERY_PARAMETER = -702
	VERROU_E_SERVER_GONE = -703
	VERROU_E_TRANSACTION_STATE = -704
	VERROU_E_OUTCOME_UNKNOWN = -705
	VERROU_E_POOL_TIMEOUT = -706
	VERROU_E_POOL_CLOSED = -707
	VERROU_E_NO_USABLE_HOST = -708
	VERROU_E_LOGIN_TABLE_MISSING = -720
	VERROU_E_LOGIN_TABLE_SHAPE = -721
	VERROU_E_LOGIN_USER_AMBIGUOUS = -722

	// Mots de passe : hachage et vérification (-800 à -899)
	VERROU_E_PASSWORD_TOO_LONG = -800
	VERROU_E_PASSWORD_EMPTY = -801
	VERROU_E_HASH_MALFORMED = -802
	VERROU_E_HASH_UNKNOWN_ALGORITHM = -803
	VERROU_E_HASH_UNKNOWN_KEY_ID = -804
	VERROU_E_HASH_PARAMETER_OUT_OF_RANGE = -805
	VERROU_E_HASH_POLICY = -806

	// Erreurs internes de verrou (-900 à -999)
	VERROU_E_INTERNAL = -900
	VERROU_E_OUT_OF_MEMORY = -901
	VERROU_E_CRYPTO = -902

	// Chiffrement de champs : textes chiffrés, clés, index aveugles (-1000 à -1099)
	VERROU_E_ENCRYPTION_MALFORMED = -1000
	VERROU_E_ENCRYPTION_UNSUPPORTED_VERSION = -1001
	VERROU_E_ENCRYPTION_UNKNOWN_KEY_ID = -1002
	VERROU_E_ENCRYPTION_AUTH_FAILED = -1003
	VERROU_E_ENCRYPTION_KEY_INVALID = -1004
	VERROU_E_ENCRYPTION_NO_KEY = -1005
	VERROU_E_ENCRYPTION_TOO_LARGE = -1006
	VERROU_E_ENCRYPTION_CONTEXT_INVALID = -1007

	// FIN des codes d'erreur

	// Verdicts de VerrouVérifie / VerrouVérifieAncien
	VERROU_MISMATCH = 0
	VERROU_MATCH = 1
	VERROU_MATCH_REHASH = 2

	// Verdicts de VerrouConnexionUtilisateur (verrou_login) et taille de son buffer de sortie
	VERROU_LOGIN_DENIED = 0
	VERROU_LOGIN_GRANTED = 1
	VERROU_LOGIN_GRANTED_REHASHED = 2
	VERROU_LOGIN_THROTTLED = 3
	VERROU_LOGIN_LOCKED = 4
	VERROU_LOGIN_JSON_SIZE = 128

	// Plus grande taille de pool acceptée par VerrouPoolOuvre (verrou_pool_open)
	VERROU_POOL_MAX_SIZE = 1000
FIN

gnVerrouDLL est un entier système = 0
gsVerrouProfil est une chaîne = "verrou-profiles.json"	// fichier de profils par défaut
gnVerrouHacheur est un entier système = 0				// hacheur ouvert par VerrouHache
gnVerrouChiffreur est un entier système = 0			// chiffreur ouvert par VerrouChiffre
gnVerrouCodeException est un entier système = 0		// code VERROU_E_* de la dernière exception

// Charge la DLL (une fois). sChemin : chemin complet de verrou.dll, "" = à côté de l'exécutable.
// Le fichier doit s'appeler verrou.dll : API("verrou", ...) retrouve ainsi le module déjà chargé.
// Sans ChargeDLL, API() chargerait et déchargerait la DLL à chaque appel (identifiants perdus).
PROCÉDURE VerrouCharge(LOCAL sChemin est une chaîne = "")
SI gnVerrouDLL <> 0 ALORS RENVOYER Vrai
SI sChemin = "" ALORS sChemin = ComplèteRep(fRepExe()) + "verrou.dll"
gnVerrouDLL = ChargeDLL(sChemin)
SI gnVerrouDLL = 0 ALORS
	ExceptionDéclenche(1000, "verrou : impossible de charger " + sChemin + " : " + ErreurInfo())
FIN
RENVOYER Vrai

// Ferme le hacheur et le chiffreur internes et décharge la DLL : À N'APPELER QU'À LA
// FERMETURE DE L'APPLICATION (code de fin du projet), une fois tous les threads arrêtés. La DLL
// n'est pas faite pour être déchargée puis rechargée en cours d'exécution : OpenSSL et
// libmariadb gardent un état global jusqu'à la fin du processus, et tout identifiant
// (connexion, profil, hacheur, chiffreur) ouvert avant ne vaut plus rien. Fermer d'abord les
// connexions et profils encore ouverts.
PROCÉDURE VerrouDécharge()
SI gnVerrouDLL = 0 ALORS RETOUR
SectionCritiqueDébut("verrou_hacheur")
SI gnVerrouHacheur <> 0 ALORS
	API("verrou", "verrou_hasher_close", gnVerrouHacheur)
	gnVerrouHacheur = 0
FIN
SectionCritiqueFin("verrou_hacheur")
SI gnVerrouChiffreur <> 0 ALORS
	API("verrou", "verrou_encryptor_close", gnVerrouChiffreur)
	gnVerrouChiffreur = 0
FIN
DéchargeDLL(gnVerrouDLL)
gnVerrouDLL = 0

// Chaîne WLanguage → buffer UTF-8 terminé par un zéro, tel que la DLL l'attend. Le zéro est
// ajouté à la CHAÎNE avant la conversion (U+0000 devient l'octet 0) : ajouter Caract(0) à un
// Buffer convertirait ce caractère selon le projet (1 octet en ANSI, 2 en Unicode). Une chaîne
// qui contient déjà un Caract(0) est refusée : la DLL n'en verrait que le début.
PROCÉDURE PRIVÉE VerrouInterneUTF8(s est une chaîne) : Buffer
SI Position(s, Caract(0)) > 0 ALORS
	ExceptionDéclenche(-VERROU_E_INVALID_ARGUMENT, "verrou : une chaîne passée à la DLL contient un caractère nul (Caract(0))")
FIN
RENVOYER ChaîneVersUTF8(s + Caract(0))

// Met à zéro, en place, la copie UTF-8 d'un mot de passe (RtlZeroMemory de kernel32) : une
// simple réaffectation du buffer laisserait l'ancienne zone mémoire intacte.
PROCÉDURE PRIVÉE VerrouInterneEfface(bufSecret est un Buffer)
nTaille est un entier système = Taille(bufSecret)
SI nTaille > 0 ALORS API("kernel32", "RtlZeroMemory", &bufSecret, nTaille)

// Déclenche l'exception WLanguage d'un code VERROU_E_* : numéro -nCode (ExceptionDéclenche
// n'accepte que 1 à 1000), message avec le nom du code et le message de la DLL. Les codes au-delà
// de -999 (chiffrement : -1000 à -1099) deviennent le numéro 999 : le code exact reste dans
// gnVerrouCodeException (et dans le message).
PROCÉDURE PRIVÉE VerrouInterneDéclenche(nCode est un entier système, sFonction est une chaîne, sMessage est une chaîne)
gnVerrouCodeException = nCode
nNuméro est un entier système = -nCode
SI nNuméro < 1 OU nNuméro > 999 ALORS nNuméro = 999
ExceptionDéclenche(nNuméro, ChaîneConstruit("verrou %1 : %2 (%3) : %4", sFonction, VerrouNomErreur(nCode), nCode, sMessage))

// Transforme un code négatif en exception WLanguage avec le message de la DLL (lu avant tout
// autre appel : une réussite efface la dernière erreur du thread).
PROCÉDURE PRIVÉE VerrouInterneErreur(nRes est un entier système, sFonction est une chaîne)
nCode est un entier système = API("verrou", "verrou_last_error_code")
SI nCode = 0 ALORS nCode = nRes
sMessage est une chaîne = VerrouDernierMessage()
VerrouInterneDéclenche(nCode, sFonction, sMessage)

PROCÉDURE PRIVÉE VerrouInterneContrôle(nRes est un entier système, sFonction est une chaîne) : entier système
SI nRes < 0 ALORS VerrouInterneErreur(nRes, sFonction)
RENVOYER nRes

// Relit la sortie (buffer, taille) : les nLongueur premiers octets (le zéro final exclu).
PROCÉDURE PRIVÉE VerrouInterneLit(bufSortie est un Buffer, nLongueur est un entier système) : chaîne
RENVOYER UTF8VersChaîne(Gauche(bufSortie, nLongueur))

// ---- bibliothèque, erreurs ----------------------------------------------------------------

PROCÉDURE VerrouVersion() : chaîne
VerrouCharge()
nTaille est un entier système = 64
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_version", &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_version")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

PROCÉDURE VerrouDernierCode() : entier système
RENVOYER API("verrou", "verrou_last_error_code")

PROCÉDURE VerrouDernierMessage() : chaîne
nTaille est un entier système = 512
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_last_error_message", &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS RENVOYER ""
	nTaille = API("verrou", "verrou_last_required_size")
FIN

PROCÉDURE VerrouTailleRequise() : entier système
RENVOYER API("verrou", "verrou_last_required_size")

PROCÉDURE VerrouNomErreur(nCode est un entier système) : chaîne
nTaille est un entier système = 64
bufSortie est un Buffer = Répète(Caract(0), nTaille)
nRes est un entier système = API("verrou", "verrou_error_name", nCode, &bufSortie, Taille(bufSortie))
SI nRes < 0 ALORS RENVOYER "UNKNOWN"
RENVOYER VerrouInterneLit(bufSortie, nRes)

// ---- profils ------------------------------------------------------------------------------

// sEnv = "" : variable d'environnement VERROU_ENV, sinon default_environment du fichier.
PROCÉDURE VerrouProfilOuvre(sFichier est une chaîne, sEnv est une chaîne = "") : entier système
VerrouCharge()
bufFichier est un Buffer = VerrouInterneUTF8(sFichier)
bufEnv est un Buffer = VerrouInterneUTF8(sEnv)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_profile_open", &bufFichier, &bufEnv), "verrou_profile_open")

PROCÉDURE VerrouProfilFerme(nProfil est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_profile_close", nProfil), "verrou_profile_close")

// JSON : réglages résolus (secrets masqués) et contrôles des certificats.
PROCÉDURE VerrouProfilDécrit(nProfil est un entier système) : chaîne
nTaille est un entier système = 8192
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_profile_describe", nProfil, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_profile_describe")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// ---- accès natif MySQL/MariaDB de WINDEV --------------------------------------------------

// JSON des valeurs pour l'accès natif (serveur, port, utilisateur, base, SSL_CA, SSL_CERT,
// SSL_KEY, SSL_MODE…) et résultats des contrôles locaux ("checks"), après les mêmes contrôles
// qu'une connexion verrou (certificats, dates, CRL, garde d'environnement) : une anomalie
// déclenche l'exception du même code que VerrouConnecte. Jamais de secret dans ce JSON.
PROCÉDURE VerrouOptionsNatives(nProfil est un entier système) : chaîne
nTaille est un entier système = 4096
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_native_options", nProfil, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_native_options")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// Remplit la variable Connexion cnx (accès natif MySQL/MariaDB) depuis le profil gsVerrouProfil,
// environnement sEnv, pour garder l'accès natif tout en prenant serveur, compte et matériel TLS
// du profil. Le mot de passe est lu par verrou_native_password dans un buffer effacé aussitôt
// (la chaîne ..MotDePasse de WINDEV en garde sa propre copie). Renvoie le JSON des contrôles.
// Les options SSL suivent la sortie de `verrou profile windev` (docs/cli.md) ; non compilé
// par WINDEV ici : vérifier les noms de propriétés avec la version utilisée.
PROCÉDURE VerrouConnexionNative(cnx est une Connexion, sEnv est une chaîne = "") : chaîne
nProfil est un entier système = VerrouProfilOuvre(gsVerrouProfil, sEnv)
sJSON est une chaîne
QUAND EXCEPTION DANS
	sJSON = VerrouOptionsNatives(nProfil)
	vOpt est un Variant = JSONVersVariant(sJSON)
	cnx..Provider = hAccèsNatifMySQL
	cnx..Serveur = vOpt.server
	cnx..Utilisateur = vOpt.user
	cnx..BaseDeDonnées = vOpt.database
	cnx..Option["PORT"] = NumériqueVersChaîne(vOpt.port)
	cnx..Option["SSL_CA"] = vOpt.ssl_ca
	cnx..Option["SSL_CERT"] = vOpt.ssl_cert
	cnx..Option["SSL_KEY"] = vOpt.ssl_key
	cnx..Option["SSL_MODE"] = vOpt.ssl_mode
	SI vOpt.password_configured ALORS
		nTaille est un entier système = 256
		BOUCLE
			bufMdp est un Buffer = Répète(Caract(0), nTaille)
			nRes est un entier système = API("verrou", "verrou_native_password", nProfil, &bufMdp, Taille(bufMdp))
			SI nRes >= 0 ALORS
				cnx..MotDePasse = UTF8VersChaîne(Gauche(bufMdp, nRes))
				VerrouInterneEfface(bufMdp)
				SORTIR
			FIN
			VerrouInterneEfface(bufMdp)
			SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_native_password")
			nTaille = API("verrou", "verrou_last_required_size")
		FIN
	FIN
FAIRE
	VerrouProfilFerme(nProfil)
	ExceptionPropage()
FIN
VerrouProfilFerme(nProfil)
RENVOYER sJSON

// ---- connexions ---------------------------------------------------------------------------

// Ouvre le profil gsVerrouProfil pour l'environnement sEnv et se connecte en mTLS.
PROCÉDURE VerrouConnecte(sEnv est une chaîne = "") : entier système
nProfil est un entier système = VerrouProfilOuvre(gsVerrouProfil, sEnv)
nCnx est un entier système = API("verrou", "verrou_connect", nProfil)
SI nCnx < 0 ALORS
	sMessage est une chaîne = VerrouDernierMessage()	// avant la fermeture, qui l'effacerait
	VerrouProfilFerme(nProfil)
	VerrouInterneDéclenche(nCnx, "verrou_connect", sMessage)
FIN
VerrouProfilFerme(nProfil)	// la connexion garde le profil en vie : le fermer ici est sans risque
RENVOYER nCnx

PROCÉDURE VerrouConnecteProfil(nProfil est un entier système) : entier système
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_connect", nProfil), "verrou_connect")

PROCÉDURE VerrouDéconnecte(nCnx est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_disconnect", nCnx), "verrou_disconnect")

// JSON : tls_version, cipher, current_user, certificats client et serveur (expiration),
// avertissements.
PROCÉDURE VerrouInfoConnexion(nCnx est un entier système) : chaîne
nTaille est un entier système = 4096
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_connection_info", nCnx, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_connection_info")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// Paramètres : tableau de Variant (entier, réel, booléen, chaîne, Null) → tableau JSON.
// Ils sont liés aux ? de la requête, jamais recopiés dans le SQL.
PROCÉDURE PRIVÉE VerrouInterneParams(tabParams est un tableau de Variant) : Buffer
SI tabParams..Occurrence = 0 ALORS RENVOYER VerrouInterneUTF8("")
RENVOYER VerrouInterneUTF8(VariantVersJSON(tabParams))

PROCÉDURE VerrouExécute(nCnx est un entier système, sSQL est une chaîne, tabParams est un tableau de Variant = []) : entier système
bufSQL est un Buffer = VerrouInterneUTF8(sSQL)
bufParams est un Buffer = VerrouInterneParams(tabParams)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_execute", nCnx, &bufSQL, &bufParams), "verrou_execute")

// Renvoie le JSON {"columns":[...],"rows":[[...],...]} (NULL SQL → null). Si le buffer est
// trop petit, le nouvel appel immédiat reçoit le résultat gardé : la requête n'est pas rejouée.
PROCÉDURE VerrouRequête(nCnx est un entier système, sSQL est une chaîne, tabParams est un tableau de Variant = []) : chaîne
bufSQL est un Buffer = VerrouInterneUTF8(sSQL)
bufParams est un Buffer = VerrouInterneParams(tabParams)
nTaille est un entier système = 65536
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_query", nCnx, &bufSQL, &bufParams, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_query")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

PROCÉDURE VerrouDébut(nCnx est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_begin", nCnx), "verrou_begin")

PROCÉDURE VerrouValide(nCnx est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_commit", nCnx), "verrou_commit")

PROCÉDURE VerrouAnnule(nCnx est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_rollback", nCnx), "verrou_rollback")

// ---- pool de connexions (docs/pool.md) ----------------------------------------------------
// Un pool pour toute l'application, ouvert au démarrage : chaque traitement emprunte une
// connexion (VerrouPoolEmprunte), s'en sert avec les procédures ci-dessus, puis la rend
// (VerrouPoolRend) ; la session est alors remise à zéro (transaction ouverte annulée, variables
// de session et tables temporaires effacées). Une connexion perdue (serveur redémarré, VPN
// coupé, wait_timeout) est remplacée sans erreur au prochain emprunt.

// nTailleMax = 0 : pool.max_size du profil.
PROCÉDURE VerrouPoolOuvre(nProfil est un entier système, nTailleMax est un entier système = 0) : entier système
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_pool_open", nProfil, nTailleMax), "verrou_pool_open")

// nDélaiMs = -1 : pool.acquire_timeout_ms du profil ; 0 : ne pas attendre.
// Erreur VERROU_E_POOL_TIMEOUT si aucune connexion ne s'est libérée à temps.
PROCÉDURE VerrouPoolEmprunte(nPool est un entier système, nDélaiMs est un entier système = -1) : entier système
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_pool_acquire", nPool, nDélaiMs), "verrou_pool_acquire")

PROCÉDURE VerrouPoolRend(nCnx est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_pool_release", nCnx), "verrou_pool_release")

// JSON : size, idle, in_use, waiting, acquired, waits, timeouts, created, replaced, retired,
// discarded, failed_creations, last_error.
PROCÉDURE VerrouPoolStatistiques(nPool est un entier système) : chaîne
nTaille est un entier système = 1024
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_pool_stats", nPool, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_pool_stats")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// Les connexions encore empruntées sont fermées quand elles sont rendues.
PROCÉDURE VerrouPoolFerme(nPool est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_pool_close", nPool), "verrou_pool_close")

// ---- mots de passe ------------------------------------------------------------------------

// sFichier = "" : gsVerrouProfil.
PROCÉDURE VerrouHacheurOuvre(LOCAL sFichier est une chaîne = "", sEnv est une chaîne = "") : entier système
VerrouCharge()
SI sFichier = "" ALORS sFichier = gsVerrouProfil
bufFichier est un Buffer = VerrouInterneUTF8(sFichier)
bufEnv est un Buffer = VerrouInterneUTF8(sEnv)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_hasher_open", &bufFichier, &bufEnv), "verrou_hasher_open")

PROCÉDURE VerrouHacheurFerme(nHacheur est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_hasher_close", nHacheur), "verrou_hasher_close")

// Le hacheur partagé est ouvert une seule fois, même si plusieurs threads de l'application
// hachent en même temps : sans la section critique, deux threads l'ouvriraient chacun et un
// identifiant serait perdu (jamais fermé). Les appels à la DLL eux-mêmes sont sûrs entre threads.
PROCÉDURE PRIVÉE VerrouInterneHacheur() : entier système
SectionCritiqueDébut("verrou_hacheur")
QUAND EXCEPTION DANS
	SI gnVerrouHacheur = 0 ALORS gnVerrouHacheur = VerrouHacheurOuvre()
FAIRE
	SectionCritiqueFin("verrou_hacheur")
	ExceptionPropage()
FIN
SectionCritiqueFin("verrou_hacheur")
RENVOYER gnVerrouHacheur

// Hache un mot de passe (Argon2id, sel aléatoire, poivre du profil) : chaîne à stocker.
PROCÉDURE VerrouHache(sMdp est une chaîne) : chaîne
nHacheur est un entier système = VerrouInterneHacheur()
bufMdp est un Buffer = VerrouInterneUTF8(sMdp)
nTaille est un entier système = 256
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_hash", nHacheur, &bufMdp, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS
		VerrouInterneEfface(bufMdp)	// efface la copie UTF-8 du mot de passe
		RENVOYER VerrouInterneLit(bufSortie, nRes)
	FIN
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS
		VerrouInterneEfface(bufMdp)
		VerrouInterneErreur(nRes, "verrou_hash")
	FIN
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// VERROU_MATCH (1), VERROU_MATCH_REHASH (2 : bon mot de passe, stocker VerrouHache(sMdp)),
// VERROU_MISMATCH (0).
PROCÉDURE VerrouVérifie(sMdp est une chaîne, sHash est une chaîne) : entier système
nHacheur est un entier système = VerrouInterneHacheur()
bufMdp est un Buffer = VerrouInterneUTF8(sMdp)
bufHash est un Buffer = VerrouInterneUTF8(sHash)
nRes est un entier système = API("verrou", "verrou_verify", nHacheur, &bufMdp, &bufHash)
VerrouInterneEfface(bufMdp)	// efface la copie UTF-8 du mot de passe
RENVOYER VerrouInterneContrôle(nRes, "verrou_verify")

PROCÉDURE VerrouRehashNécessaire(sHash est une chaîne) : booléen
nHacheur est un entier système = VerrouInterneHacheur()
bufHash est un Buffer = VerrouInterneUTF8(sHash)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_needs_rehash", nHacheur, &bufHash), "verrou_needs_rehash") = 1

// Ancien enregistrement de l'application WinDev : sSel = colonne du sel telle que stockée,
// sHashBase64 = colonne Base64 de PBKDF2(mot de passe + poivre). L'algorithme (prf), les
// itérations, la longueur et l'ancien poivre viennent de la section hashing.windev_legacy du
// profil : le poivre ne passe jamais par l'application. VERROU_MATCH_REHASH (2 : bon mot de
// passe, stocker VerrouHache(sMdp) et vider les anciennes colonnes) ou VERROU_MISMATCH (0).
// Sans section windev_legacy dans le profil : exception VERROU_E_HASH_POLICY.
PROCÉDURE VerrouVérifieAncien(sMdp est une chaîne, sSel est une chaîne, sHashBase64 est une chaîne) : entier système
nHacheur est un entier système = VerrouInterneHacheur()
bufMdp est un Buffer = VerrouInterneUTF8(sMdp)
bufSel est un Buffer = VerrouInterneUTF8(sSel)
bufHash est un Buffer = VerrouInterneUTF8(sHashBase64)
nRes est un entier système = API("verrou", "verrou_verify_windev_legacy", nHacheur, &bufMdp, &bufSel, &bufHash)
VerrouInterneEfface(bufMdp)	// efface la copie UTF-8 du mot de passe
RENVOYER VerrouInterneContrôle(nRes, "verrou_verify_windev_legacy")

// ---- connexion des utilisateurs de l'application (docs/login.md) ---------------------------

// La connexion entière en un appel : lit la ligne de l'utilisateur (section login du profil de
// nCnx), demande au garde partagé dans MariaDB si la tentative peut être vérifiée, vérifie avec
// le hacheur du profil, écrit ce qui change (compteurs du garde ; nouveau hash après une hausse
// de la politique ou une migration d'un ancien enregistrement WinDev). sSource : ce qui identifie
// le poste (nom du poste, adresse IP). Renvoie VERROU_LOGIN_DENIED (0), _GRANTED (1),
// _GRANTED_REHASHED (2), _THROTTLED (3) ou _LOCKED (4) ; nDélaiSecondes reçoit l'attente avant
// le prochain essai (THROTTLED, LOCKED), -1 s'il n'y en a pas ou si seul un administrateur peut
// débloquer le compte. Un utilisateur inconnu reçoit VERROU_LOGIN_DENIED, comme un mauvais mot
// de passe : afficher « Identifiant ou mot de passe incorrect », jamais « utilisateur inconnu ».
PROCÉDURE VerrouConnexionUtilisateur(nCnx est un entier système, sUtilisateur est une chaîne, sMdp est une chaîne, sSource est une chaîne, nDélaiSecondes est un entier = -1) : entier système
nHacheur est un entier système = VerrouInterneHacheur()
bufUtilisateur est un Buffer = VerrouInterneUTF8(sUtilisateur)
bufMdp est un Buffer = VerrouInterneUTF8(sMdp)
bufSource est un Buffer = VerrouInterneUTF8(sSource)
bufSortie est un Buffer = Répète(Caract(0), VERROU_LOGIN_JSON_SIZE)
nRes est un entier système = API("verrou", "verrou_login", nCnx, nHacheur, &bufUtilisateur, &bufMdp, &bufSource, &bufSortie, VERROU_LOGIN_JSON_SIZE)
VerrouInterneEfface(bufMdp)	// efface la copie UTF-8 du mot de passe
VerrouInterneContrôle(nRes, "verrou_login")
nDélaiSecondes = -1
nLongueur est un entier système = Position(bufSortie, Caract(0)) - 1	// le JSON se termine par un zéro
vRésultat est un Variant = JSONVersVariant(VerrouInterneLit(bufSortie, nLongueur))
SI vRésultat.retry_after_seconds <> Null ALORS nDélaiSecondes = vRésultat.retry_after_seconds
RENVOYER nRes

// Administrateur : efface les échecs et le blocage du compte. Vrai s'il y avait quelque chose
// à effacer.
PROCÉDURE VerrouDéverrouilleUtilisateur(nCnx est un entier système, sUtilisateur est une chaîne) : booléen
bufUtilisateur est un Buffer = VerrouInterneUTF8(sUtilisateur)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_login_unlock", nCnx, &bufUtilisateur), "verrou_login_unlock") = 1

// ---- diagnostic et supervision ------------------------------------------------------------

// Diagnostic couche par couche (profil, secrets, certificats, DNS, TCP, TLS, authentification
// SQL) : JSON de docs/doctor.md. Le verdict est dans le JSON : "status" (OK / WARNING /
// FAILED) et "exit_code"
// (0 OK, 1 avertissement, 2 critique, 3 inconnu). Un buffer trop petit : le nouvel appel
// immédiat reçoit le rapport gardé, sans refaire le diagnostic. sFichier = "" : gsVerrouProfil.
PROCÉDURE VerrouDiagnostic(sEnv est une chaîne = "", LOCAL sFichier est une chaîne = "") : chaîne
VerrouCharge()
SI sFichier = "" ALORS sFichier = gsVerrouProfil
bufFichier est un Buffer = VerrouInterneUTF8(sFichier)
bufEnv est un Buffer = VerrouInterneUTF8(sEnv)
nTaille est un entier système = 16384
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_doctor", &bufFichier, &bufEnv, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_doctor")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// Contrôle local des certificats d'un profil ouvert (sans réseau) : JSON avec "status"
// (OK / WARNING / FAILED) et "exit_code" (0 OK, 1 expiration proche, 2 expiré ou invalide).
PROCÉDURE VerrouCertificatsContrôle(nProfil est un entier système) : chaîne
nTaille est un entier système = 8192
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = API("verrou", "verrou_cert_check", nProfil, &bufSortie, Taille(bufSortie))
	SI nRes >= 0 ALORS RENVOYER VerrouInterneLit(bufSortie, nRes)
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS VerrouInterneErreur(nRes, "verrou_cert_check")
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// ---- chiffrement de champs (docs/encryption.md) -------------------------------------------

// Ouvre un chiffreur : section encryption du profil (clés par référence, clé courante, clés
// d'index). Toutes les clés sont lues et vérifiées tout de suite. sFichier = "" : gsVerrouProfil.
PROCÉDURE VerrouChiffreurOuvre(LOCAL sFichier est une chaîne = "", sEnv est une chaîne = "") : entier système
VerrouCharge()
SI sFichier = "" ALORS sFichier = gsVerrouProfil
bufFichier est un Buffer = VerrouInterneUTF8(sFichier)
bufEnv est un Buffer = VerrouInterneUTF8(sEnv)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_encryptor_open", &bufFichier, &bufEnv), "verrou_encryptor_open")

PROCÉDURE VerrouChiffreurFerme(nChiffreur est un entier système)
VerrouInterneContrôle(API("verrou", "verrou_encryptor_close", nChiffreur), "verrou_encryptor_close")

PROCÉDURE PRIVÉE VerrouInterneChiffreur() : entier système
SI gnVerrouChiffreur = 0 ALORS gnVerrouChiffreur = VerrouChiffreurOuvre()
RENVOYER gnVerrouChiffreur

// Appelle une fonction de chiffrement (chiffreur, entrée, contexte, buffer, taille) et relit sa
// sortie ; la copie UTF-8 de l'entrée et le buffer de sortie sont effacés en place ensuite.
PROCÉDURE PRIVÉE VerrouInterneChiffrement(sFonction est une chaîne, sEntrée est une chaîne, sContexte est une chaîne) : chaîne
nChiffreur est un entier système = VerrouInterneChiffreur()
bufEntrée est un Buffer = VerrouInterneUTF8(sEntrée)
bufContexte est un Buffer = VerrouInterneUTF8(sContexte)
nTaille est un entier système = 256
BOUCLE
	bufSortie est un Buffer = Répète(Caract(0), nTaille)
	nRes est un entier système = VERROU_E_INVALID_ARGUMENT
	// Un appel par nom écrit en clair : tests/python/check_abi_consistency.py les relit.
	SELON sFonction
		CAS "verrou_encrypt" : nRes = API("verrou", "verrou_encrypt", nChiffreur, &bufEntrée, &bufContexte, &bufSortie, Taille(bufSortie))
		CAS "verrou_decrypt" : nRes = API("verrou", "verrou_decrypt", nChiffreur, &bufEntrée, &bufContexte, &bufSortie, Taille(bufSortie))
		CAS "verrou_rewrap" : nRes = API("verrou", "verrou_rewrap", nChiffreur, &bufEntrée, &bufContexte, &bufSortie, Taille(bufSortie))
		CAS "verrou_blind_index" : nRes = API("verrou", "verrou_blind_index", nChiffreur, &bufEntrée, &bufContexte, &bufSortie, Taille(bufSortie))
	FIN
	SI nRes >= 0 ALORS
		sRes est une chaîne = VerrouInterneLit(bufSortie, nRes)
		VerrouInterneEfface(bufSortie)
		VerrouInterneEfface(bufEntrée)
		RENVOYER sRes
	FIN
	SI nRes <> VERROU_E_BUFFER_TOO_SMALL ALORS
		VerrouInterneEfface(bufEntrée)
		VerrouInterneErreur(nRes, sFonction)
	FIN
	nTaille = API("verrou", "verrou_last_required_size")
FIN

// Chiffre une valeur (AES-256-GCM, clé courante du profil) : "verrou:v1:<clé>:<Base64>", à
// stocker à la place de la valeur. sContexte lie la valeur à sa place, par exemple
// "clients.iban#42" (table, colonne, identifiant de la ligne) : le même contexte est exigé pour
// déchiffrer, une valeur recopiée dans une autre ligne ne se déchiffre pas.
PROCÉDURE VerrouChiffre(sValeur est une chaîne, sContexte est une chaîne) : chaîne
RENVOYER VerrouInterneChiffrement("verrou_encrypt", sValeur, sContexte)

// Déchiffre une valeur de VerrouChiffre avec le même contexte. Mauvais contexte, valeur
// modifiée ou mauvaise clé : exception (VERROU_E_ENCRYPTION_AUTH_FAILED), jamais un texte partiel.
PROCÉDURE VerrouDéchiffre(sChiffré est une chaîne, sContexte est une chaîne) : chaîne
RENVOYER VerrouInterneChiffrement("verrou_decrypt", sChiffré, sContexte)

// Rechiffre une valeur sous la clé courante (rotation des clés) sans que l'application voie
// la valeur en clair : stocker le résultat à la place de sChiffré.
PROCÉDURE VerrouRechiffre(sChiffré est une chaîne, sContexte est une chaîne) : chaîne
RENVOYER VerrouInterneChiffrement("verrou_rewrap", sChiffré, sContexte)

// Vrai quand la valeur est chiffrée sous une autre clé que la clé courante.
PROCÉDURE VerrouRechiffrementNécessaire(sChiffré est une chaîne) : booléen
nChiffreur est un entier système = VerrouInterneChiffreur()
bufChiffré est un Buffer = VerrouInterneUTF8(sChiffré)
RENVOYER VerrouInterneContrôle(API("verrou", "verrou_needs_rewrap", nChiffreur, &bufChiffré), "verrou_needs_rewrap") = 1

// Index aveugle : "vbi1:<clé>:<Base64>", identique pour une même valeur et un même contexte
// (par exemple "clients.iban", sans l'identifiant de ligne). À stocker dans une colonne indexée
// à côté de la valeur chiffrée, pour chercher par égalité : WHERE iban_index = ?. Il révèle
// quelles lignes ont la même valeur, rien d'autre.
PROCÉDURE VerrouIndexAveugle(sValeur est une chaîne, sContexte est une chaîne) : chaîne
RENVOYER VerrouInterneChiffrement("verrou_blind_index", sValeur, sContexte)

