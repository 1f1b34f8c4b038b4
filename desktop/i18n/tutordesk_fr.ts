<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fr_FR">
<context>
    <name />
    <message>
        <location filename="../syncview/log_view.py" line="29" />
        <source>Time</source>
        <extracomment>Enough to see the last few runs; older lines are dropped (the log file keeps everything).</extracomment>
        <translation>Heure</translation>
    </message>
    <message>
        <location filename="../syncview/log_view.py" line="30" />
        <source>Stage</source>
        <translation>Étape</translation>
    </message>
    <message>
        <location filename="../syncview/log_view.py" line="31" />
        <source>What happened</source>
        <translation>Ce qui s'est passé</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="48" />
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="49" />
        <source>Table</source>
        <translation>Table</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="50" />
        <source>Row</source>
        <translation>Ligne</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="51" />
        <source>Fields</source>
        <translation>Champs</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="52" />
        <source>Your value</source>
        <translation>Votre valeur</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="53" />
        <source>Kept value</source>
        <translation>Valeur conservée</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="54" />
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="57" />
        <source>A later edit won</source>
        <translation>Une modification plus récente l'a emporté</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="58" />
        <source>The server refused it</source>
        <translation>Le serveur l'a refusée</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="59" />
        <source>The row was deleted</source>
        <translation>La ligne a été supprimée</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="66" />
        <source>code</source>
        <extracomment>Column names as a teacher knows them from the editor; others lose their underscores.</extracomment>
        <translation>code</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="67" />
        <source>title</source>
        <translation>titre</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="68" />
        <source>description</source>
        <translation>description</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="69" />
        <source>type</source>
        <translation>type</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="70" />
        <source>difficulty</source>
        <translation>difficulté</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="71" />
        <source>active</source>
        <translation>active</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="72" />
        <source>published</source>
        <translation>publiée</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="73" />
        <source>cover</source>
        <translation>couverture</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="75" />
        <source>name</source>
        <translation>nom</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="148" />
        <source>School</source>
        <extracomment>Table names as a person says them.</extracomment>
        <translation>École</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="149" />
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="150" />
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="151" />
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="152" />
        <source>Class member</source>
        <translation>Membre de classe</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="153" />
        <source>Media</source>
        <translation>Média</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="154" />
        <source>Lesson</source>
        <translation>Leçon</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="155" />
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="156" />
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="157" />
        <source>Test item</source>
        <translation>Élément de test</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="158" />
        <source>Test attempt</source>
        <translation>Passage de test</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="159" />
        <source>Practice session</source>
        <translation>Séance d'entraînement</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="160" />
        <source>Audit entry</source>
        <translation>Entrée du journal d'audit</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="32" />
        <location filename="../syncview/words.py" line="33" />
        <location filename="../syncview/words.py" line="34" />
        <source>Connecting</source>
        <extracomment>`fill` is re-exported on purpose: the views write `words.fill(words.tr("..."), ...)` beside `words.tr`. The contexts pyside6-lupdate files these strings under: "" for a bare `tr("...")`, "words" for `words.tr("...")` in the other syncview modules. Looking in both keeps extraction and lookup in step. The engine's stage names -&gt; what a person reads in the status bar and the log.</extracomment>
        <translation>Connexion</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="35" />
        <source>Checking the clock</source>
        <translation>Vérification de l'horloge</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="36" />
        <source>Sending changes</source>
        <translation>Envoi des modifications</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="37" />
        <source>Receiving changes</source>
        <translation>Réception des modifications</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="38" />
        <source>Downloading everything again</source>
        <translation>Nouveau téléchargement complet</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="39" />
        <location filename="../syncview/words.py" line="40" />
        <source>Receiving new columns</source>
        <translation>Réception des nouvelles colonnes</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="41" />
        <location filename="../syncview/words.py" line="42" />
        <source>Checking</source>
        <translation>Vérification</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="43" />
        <location filename="../syncview/words.py" line="46" />
        <location filename="../tests_editor/preview.py" line="214" />
        <source>Finished</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="45" />
        <source>Started</source>
        <translation>Début</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="48" />
        <source>Connected</source>
        <translation>Connecté</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="49" />
        <source>Stopped</source>
        <translation>Arrêt</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="50" />
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="60" />
        <source>schools</source>
        <extracomment>A context no translation uses: what Qt answers for a text it has no translation of (%Ln filled in). Synced tables as a person names them, in the middle of a sentence ("Receiving changes: lessons, 1 received").</extracomment>
        <translation>écoles</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="61" />
        <source>people</source>
        <translation>personnes</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="62" />
        <source>settings</source>
        <translation>paramètres</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="63" />
        <source>classes</source>
        <translation>classes</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="64" />
        <source>class members</source>
        <translation>membres de classe</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="65" />
        <source>media</source>
        <translation>médias</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="66" />
        <source>lessons</source>
        <translation>leçons</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="67" />
        <source>notes</source>
        <translation>notes</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="68" />
        <source>tests</source>
        <translation>tests</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="69" />
        <source>test items</source>
        <translation>éléments de test</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="70" />
        <source>test attempts</source>
        <translation>passages de test</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="71" />
        <source>practice sessions</source>
        <translation>séances d'entraînement</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="72" />
        <source>audit log</source>
        <translation>journal d'audit</translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="100" />
        <source>%Ln change(s)</source>
        <translation><numerusform>%Ln modification</numerusform><numerusform>%Ln modifications</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="111" />
        <source>%Ln day(s) ago</source>
        <translation><numerusform>il y a %Ln jour</numerusform><numerusform>il y a %Ln jours</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="113" />
        <source>%Ln hour(s) ago</source>
        <translation><numerusform>il y a %Ln heure</numerusform><numerusform>il y a %Ln heures</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="115" />
        <source>%Ln minute(s) ago</source>
        <translation><numerusform>il y a %Ln minute</numerusform><numerusform>il y a %Ln minutes</numerusform></translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="116" />
        <source>just now</source>
        <translation>à l'instant</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="127" />
        <source>Syncing %1 of %2</source>
        <translation>Synchronisation : %1 sur %2</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="129" />
        <source>Syncing: %1</source>
        <translation>Synchronisation : %1</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="130" />
        <source>Syncing</source>
        <translation>Synchronisation</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="132" />
        <source>Sign in again to sync</source>
        <translation>Reconnectez-vous pour synchroniser</translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="135" />
        <source>Not connected: %Ln change(s) saved on this PC</source>
        <translation><numerusform>Hors ligne : %Ln modification enregistrée sur ce PC</numerusform><numerusform>Hors ligne : %Ln modifications enregistrées sur ce PC</numerusform></translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="47" />
        <location filename="../syncview/words.py" line="136" />
        <source>Not connected</source>
        <translation>Hors ligne</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="138" />
        <source>Update the app to sync: your work is saved on this PC</source>
        <translation>Mettez l'application à jour pour synchroniser : votre travail est enregistré sur ce PC</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="140" />
        <source>Sync failed: %1</source>
        <translation>Échec de la synchronisation : %1</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="146" />
        <source>Synced %1</source>
        <translation>Synchronisé %1</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="146" />
        <source>Not synced yet</source>
        <translation>Pas encore synchronisé</translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="148" />
        <source>; %Ln change(s) waiting</source>
        <translation><numerusform> ; %Ln modification en attente</numerusform><numerusform> ; %Ln modifications en attente</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="154" />
        <source>%Ln change(s) waiting to be sent</source>
        <translation><numerusform>%Ln modification en attente d'envoi</numerusform><numerusform>%Ln modifications en attente d'envoi</numerusform></translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="156" />
        <location filename="../syncview/words.py" line="207" />
        <location filename="../syncview/words.py" line="218" />
        <source>%1 to review</source>
        <translation>%1 à vérifier</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="158" />
        <source>Last problem: %1</source>
        <translation>Dernier problème : %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="166" />
        <source>%Ln hour(s)</source>
        <translation><numerusform>%Ln heure</numerusform><numerusform>%Ln heures</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../syncview/words.py" line="166" />
        <source>%Ln minute(s)</source>
        <translation><numerusform>%Ln minute</numerusform><numerusform>%Ln minutes</numerusform></translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="167" />
        <source>This PC's clock is %1 off; edits are stamped with the corrected time</source>
        <translation>L'horloge de ce PC est décalée de %1 ; les modifications sont datées avec l'heure corrigée</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="195" />
        <source>Finished: %1 sent, %2 received</source>
        <translation>Terminé : %1 envoyées, %2 reçues</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="181" />
        <source>%1 of %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="184" />
        <source>%1 received</source>
        <translation>%1 reçues</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="187" />
        <source>%1 (now: %2)</source>
        <translation>%1 (en cours : %2)</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="215" />
        <source>%1 sent, %2 received</source>
        <translation>%1 envoyées, %2 reçues</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="229" />
        <source>you asked</source>
        <translation>à votre demande</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="230" />
        <source>after your edits</source>
        <translation>après vos modifications</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="231" />
        <source>the connection came back</source>
        <translation>la connexion est revenue</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="232" />
        <source>on schedule</source>
        <translation>programmée</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="233" />
        <source>at start</source>
        <translation>au démarrage</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="234" />
        <source>retrying</source>
        <translation>nouvel essai</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="243" />
        <source>Sync started (%1)</source>
        <translation>Synchronisation lancée (%1)</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="243" />
        <source>Sync started</source>
        <translation>Synchronisation lancée</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="245" />
        <source>Not connected; will sync when the server is reachable</source>
        <translation>Hors ligne ; la synchronisation reprendra quand le serveur sera joignable</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="247" />
        <source>The server is reachable again</source>
        <translation>Le serveur est de nouveau joignable</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="249" />
        <source>Automatic sync stopped</source>
        <translation>Synchronisation automatique arrêtée</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="73" />
        <source>Test items</source>
        <translation>Éléments du test</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="146" />
        <source>Test title</source>
        <translation>Titre du test</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="150" />
        <location filename="../tests_editor/editor.py" line="164" />
        <source>Passing score</source>
        <translation>Note de réussite</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="151" />
        <source>Time limit</source>
        <translation>Temps limite</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="154" />
        <source> seconds</source>
        <translation> secondes</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="155" />
        <source>Time limit in seconds</source>
        <translation>Temps limite en secondes</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="158" />
        <source>Shuffle the items for each learner</source>
        <translation>Mélanger les éléments pour chaque élève</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="163" />
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="181" />
        <source>Problems</source>
        <translation>Problèmes</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="190" />
        <source>Add item</source>
        <translation>Ajouter un élément</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="199" />
        <source>Remove item</source>
        <translation>Retirer l'élément</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="210" />
        <source>Add an item, or pick one to edit it.</source>
        <translation>Ajoutez un élément, ou choisissez-en un pour le modifier.</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="226" />
        <source>Preview</source>
        <translation>Aperçu</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="228" />
        <source>Save test</source>
        <translation>Enregistrer le test</translation>
    </message>
    <message>
        <location filename="../tests_editor/editor.py" line="409" />
        <source>The test could not be saved: %1</source>
        <translation>Le test n'a pas pu être enregistré : %1</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="98" />
        <source>Choice %1</source>
        <translation>Choix %1</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="103" />
        <source>Correct answer %1</source>
        <translation>Bonne réponse %1</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="104" />
        <source>This is the correct answer</source>
        <translation>C'est la bonne réponse</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="110" />
        <source>Remove</source>
        <translation>Retirer</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="178" />
        <location filename="../tests_editor/preview.py" line="182" />
        <source>Video</source>
        <translation>Vidéo</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="178" />
        <location filename="../tests_editor/items.py" line="35" />
        <location filename="../tests_editor/preview.py" line="182" />
        <source>Picture</source>
        <translation>Image</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="179" />
        <source>media id or file path</source>
        <translation>identifiant du média ou chemin du fichier</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="190" />
        <source>video media id or file path</source>
        <translation>identifiant de la vidéo ou chemin du fichier</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="74" />
        <location filename="../tests_editor/forms.py" line="190" />
        <source>text</source>
        <translation>texte</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="191" />
        <source>Add part</source>
        <translation>Ajouter une partie</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="191" />
        <source>Add choice</source>
        <translation>Ajouter un choix</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="195" />
        <source>Parts in the right order (Alt+Up/Down moves one)</source>
        <translation>Parties dans le bon ordre (Alt+Haut/Bas en déplace une)</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="195" />
        <source>Choices</source>
        <translation>Choix</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="201" />
        <location filename="../tests_editor/forms.py" line="203" />
        <source>Question</source>
        <translation>Question</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="202" />
        <source>Words to sign</source>
        <translation>Mots à signer</translation>
    </message>
    <message>
        <location filename="../tests_editor/forms.py" line="204" />
        <source>Instruction</source>
        <translation>Consigne</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="33" />
        <source>Video → words</source>
        <extracomment>What a teacher reads for each type.</extracomment>
        <translation>Vidéo → mots</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="34" />
        <source>Words → video</source>
        <translation>Mots → vidéo</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="36" />
        <source>Put in order</source>
        <translation>Remettre dans l'ordre</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="94" />
        <source>(empty)</source>
        <extracomment>The content key that holds each type's media reference, if it has one. The content key that holds each type's text.</extracomment>
        <translation>(vide)</translation>
    </message>
    <message>
        <location filename="../syncview/words.py" line="199" />
        <location filename="../tests_editor/items.py" line="97" />
        <location filename="../tests_editor/preview.py" line="183" />
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="110" />
        <source>Choose the video.</source>
        <translation>Choisissez la vidéo.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="110" />
        <source>Choose the picture.</source>
        <translation>Choisissez l'image.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="112" />
        <source>Write the words the learner will read.</source>
        <translation>Écrivez les mots que l'élève lira.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="115" />
        <source>Give at least two parts to put in order.</source>
        <translation>Donnez au moins deux parties à remettre dans l'ordre.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="117" />
        <source>One of the parts is empty.</source>
        <translation>L'une des parties est vide.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="119" />
        <source>Two parts are the same; the learner could not tell them apart.</source>
        <translation>Deux parties sont identiques ; l'élève ne pourrait pas les distinguer.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="122" />
        <source>Give at least two choices.</source>
        <translation>Donnez au moins deux choix.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="124" />
        <source>One of the choices is empty.</source>
        <translation>L'un des choix est vide.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="126" />
        <source>Two choices are the same.</source>
        <translation>Deux choix sont identiques.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="128" />
        <source>Mark the correct answer among the choices.</source>
        <translation>Indiquez la bonne réponse parmi les choix.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="135" />
        <source>The test needs a title.</source>
        <translation>Le test doit avoir un titre.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="137" />
        <source>The passing score must be between 0 and 100.</source>
        <translation>La note de réussite doit être comprise entre 0 et 100.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="139" />
        <source>The time limit must be more than 0 seconds, or none.</source>
        <translation>Le temps limite doit dépasser 0 seconde, ou ne pas être fixé.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="147" />
        <source>Add at least one item.</source>
        <translation>Ajoutez au moins un élément.</translation>
    </message>
    <message>
        <location filename="../tests_editor/items.py" line="149" />
        <source>Item %1: %2</source>
        <translation>Élément %1 : %2</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="61" />
        <source>Parts to put in order (Alt+Up/Down moves one)</source>
        <translation>Parties à remettre dans l'ordre (Alt+Haut/Bas en déplace une)</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="120" />
        <source>Preview: %1</source>
        <translation>Aperçu : %1</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="141" />
        <source>Time left</source>
        <translation>Temps restant</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="150" />
        <source>Result</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="152" />
        <location filename="../tests_editor/preview.py" line="189" />
        <source>Next</source>
        <translation>Suivant</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="155" />
        <source>Close</source>
        <translation>Fermer</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="180" />
        <source>Item %1 of %2</source>
        <translation>Élément %1 sur %2</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="189" />
        <source>Finish</source>
        <translation>Terminer</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="204" />
        <source>Passed</source>
        <translation>Réussi</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="204" />
        <source>Not passed</source>
        <translation>Non réussi</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="207" />
        <source>Score %1 of 100 (pass mark %2): %3</source>
        <translation>Score %1 sur 100 (note de réussite %2) : %3</translation>
    </message>
    <message>
        <location filename="../tests_editor/preview.py" line="224" />
        <source>Time left: %1</source>
        <translation>Temps restant : %1</translation>
    </message>
</context>
<context>
    <name>ErrorBox</name>
    <message>
        <location filename="../crash.py" line="112" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../crash.py" line="114" />
        <source>Error message</source>
        <translation>Message d'erreur</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <location filename="../crash.py" line="85" />
        <source>Something went wrong, but your work is safe. The details are in %1.</source>
        <translation>Un problème est survenu, mais votre travail est en sécurité. Les détails sont dans %1.</translation>
    </message>
    <message>
        <location filename="../crash.py" line="88" />
        <source>Something went wrong, but your work is safe.</source>
        <translation>Un problème est survenu, mais votre travail est en sécurité.</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../firstrun.py" line="182" />
        <source>Welcome to TutorDesk</source>
        <translation>Bienvenue dans TutorDesk</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="185" />
        <source>TutorDesk keeps everything on this PC and works without the internet. If your school has a TutorDesk server, connect to it so your lessons are shared and backed up.</source>
        <translation>TutorDesk garde tout sur ce PC et fonctionne sans internet. Si votre école a un serveur TutorDesk, connectez-vous pour partager et sauvegarder vos leçons.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="190" />
        <source>Connect to a server…</source>
        <translation>Se connecter à un serveur…</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="191" />
        <source>Connect to a server</source>
        <translation>Se connecter à un serveur</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="192" />
        <location filename="../firstrun.py" line="193" />
        <source>Work offline for now</source>
        <translation>Travailler hors ligne pour l'instant</translation>
    </message>
</context>
<context>
    <name>LessonData</name>
    <message>
        <location filename="../lessons/data.py" line="139" />
        <source>A lesson needs a title.</source>
        <extracomment>The lean row the list shows.</extracomment>
        <translation>Une leçon doit avoir un titre.</translation>
    </message>
    <message>
        <location filename="../lessons/data.py" line="142" />
        <source>The title is too long: %1 characters, at most %2.</source>
        <translation>Le titre est trop long : %1 caractères, au plus %2.</translation>
    </message>
    <message>
        <location filename="../lessons/data.py" line="148" />
        <source>The code is too long: at most %1 characters.</source>
        <translation>Le code est trop long : au plus %1 caractères.</translation>
    </message>
    <message>
        <location filename="../lessons/data.py" line="153" />
        <source>The description is too long: at most %1 characters.</source>
        <translation>La description est trop longue : au plus %1 caractères.</translation>
    </message>
    <message>
        <location filename="../lessons/data.py" line="158" />
        <source>The cover must be a media id from the media library, or empty.</source>
        <translation>La couverture doit être l'identifiant d'un média de la médiathèque, ou rester vide.</translation>
    </message>
    <message>
        <location filename="../lessons/data.py" line="164" />
        <source>Note %1 is empty: write something or delete it.</source>
        <translation>La note %1 est vide : écrivez quelque chose ou supprimez-la.</translation>
    </message>
</context>
<context>
    <name>LessonEditor</name>
    <message>
        <location filename="../lessons/editor.py" line="76" />
        <source>Active (learners can use it)</source>
        <extracomment>Who new lessons and notes belong to; the app sets it once the profile's rows are known.</extracomment>
        <translation>Active (les élèves peuvent l'utiliser)</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="77" />
        <location filename="../lessons/editor.py" line="88" />
        <source>Published</source>
        <translation>Publiée</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="79" />
        <source>optional: a media id from the media library</source>
        <translation>facultatif : l'identifiant d'un média de la médiathèque</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="82" />
        <source>Lesson code</source>
        <translation>Code de la leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="83" />
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="84" />
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="85" />
        <source>Lesson type</source>
        <translation>Type de leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="86" />
        <source>Difficulty from 1 to 5</source>
        <translation>Difficulté de 1 à 5</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="87" />
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="89" />
        <source>Cover media</source>
        <translation>Image de couverture</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="98" />
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="103" />
        <source>Editor message</source>
        <translation>Message de l'éditeur</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="104" />
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="105" />
        <source>Save lesson</source>
        <translation>Enregistrer la leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="113" />
        <source>&amp;Code</source>
        <translation>&amp;Code</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="115" />
        <source>&amp;Title</source>
        <translation>&amp;Titre</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="117" />
        <source>&amp;Description</source>
        <translation>&amp;Description</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="119" />
        <source>T&amp;ype</source>
        <translation>T&amp;ype</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="120" />
        <source>Di&amp;fficulty</source>
        <translation>Di&amp;fficulté</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="123" />
        <source>Co&amp;ver</source>
        <translation>Cou&amp;verture</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="131" />
        <source>Lesson</source>
        <translation>Leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="132" />
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="177" />
        <source>Opening…</source>
        <translation>Ouverture…</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="186" />
        <source>This lesson is no longer on this PC.</source>
        <translation>Cette leçon n'est plus sur ce PC.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="213" />
        <source>New lesson</source>
        <translation>Nouvelle leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="230" />
        <source>Edit %1</source>
        <translation>Modifier %1</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="322" />
        <source>Not saved: %1</source>
        <translation>Non enregistré : %1</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="334" />
        <source>the disk is full. Free some space and save again.</source>
        <translation>le disque est plein. Libérez de la place et enregistrez à nouveau.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="336" />
        <source>the lesson store is busy. Try again in a moment.</source>
        <translation>le stockage des leçons est occupé. Réessayez dans un instant.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="344" />
        <source>an unexpected problem with the lesson store. The details are in the log file.</source>
        <translation>un problème inattendu avec le stockage des leçons. Les détails sont dans le fichier journal.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="285" />
        <location filename="../lessons/editor.py" line="320" />
        <source>Please fix the marked fields, then save again.</source>
        <translation>Corrigez les champs signalés, puis enregistrez à nouveau.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="291" />
        <source>Still opening your profile; save again in a moment.</source>
        <translation>Ouverture du profil en cours ; réessayez dans un instant.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="295" />
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="308" />
        <source>Saved on this PC.</source>
        <translation>Enregistré sur ce PC.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="339" />
        <source>the local data file is damaged, so nothing more is saved into it. Close TutorDesk and open it again to start a fresh one.</source>
        <translation>le fichier de données local est endommagé, plus rien n'y est enregistré. Fermez TutorDesk et rouvrez-le pour en créer un nouveau.</translation>
    </message>
</context>
<context>
    <name>LessonList</name>
    <message>
        <location filename="../lessons/page.py" line="57" />
        <source>Search titles, descriptions and notes</source>
        <extracomment>Searches start at this many characters: a one-letter prefix has no prefix index of its own, so the search table merges every word with that first letter (60-130 ms at 100,000 lessons, bench/bench_search.py).</extracomment>
        <translation>Rechercher dans les titres, descriptions et notes</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="58" />
        <source>Search lessons</source>
        <translation>Rechercher des leçons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="61" />
        <source>Filter by type</source>
        <translation>Filtrer par type</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="62" />
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="65" />
        <source>Filter by difficulty</source>
        <translation>Filtrer par difficulté</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="66" />
        <source>Any difficulty</source>
        <translation>Toute difficulté</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="67" />
        <source>Difficulty %1</source>
        <translation>Difficulté %1</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="70" />
        <source>Filter by state</source>
        <translation>Filtrer par état</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="72" />
        <source>Published and drafts</source>
        <translation>Publiées et brouillons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="73" />
        <source>Published</source>
        <translation>Publiée</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="74" />
        <source>Drafts</source>
        <translation>Brouillons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="77" />
        <source>Type at least two letters to search.</source>
        <translation>Tapez au moins deux lettres pour chercher.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="80" />
        <source>Number of lessons</source>
        <translation>Nombre de leçons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="82" />
        <source>Lessons in trash</source>
        <translation>Leçons dans la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="82" />
        <source>Lessons</source>
        <translation>Leçons</translation>
    </message>
    <message numerus="yes">
        <location filename="../lessons/page.py" line="159" />
        <source>%Ln lesson(s) in the trash</source>
        <translation><numerusform>%Ln leçon dans la corbeille</numerusform><numerusform>%Ln leçons dans la corbeille</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../lessons/page.py" line="160" />
        <source>%Ln lesson(s)</source>
        <translation><numerusform>%Ln leçon</numerusform><numerusform>%Ln leçons</numerusform></translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="164" />
        <source>The list could not be read from the data file on this PC.</source>
        <translation>La liste n'a pas pu être lue dans le fichier de données de ce PC.</translation>
    </message>
</context>
<context>
    <name>LessonTableModel</name>
    <message>
        <location filename="../lessons/model.py" line="41" />
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="42" />
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="43" />
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="44" />
        <source>Difficulty</source>
        <translation>Difficulté</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="45" />
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="46" />
        <source>Last changed</source>
        <translation>Modifiée le</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="49" />
        <source>Word</source>
        <translation>Mot</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="50" />
        <source>Sentence</source>
        <translation>Phrase</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="51" />
        <source>Freestyle</source>
        <translation>Libre</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="263" />
        <source>In trash</source>
        <translation>Dans la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="265" />
        <source>Published</source>
        <translation>Publiée</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="267" />
        <source>Draft</source>
        <translation>Brouillon</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="269" />
        <source>Inactive</source>
        <translation>Inactive</translation>
    </message>
</context>
<context>
    <name>LessonsPage</name>
    <message>
        <location filename="../lessons/page.py" line="201" />
        <location filename="../lessons/page.py" line="202" />
        <source>New lesson</source>
        <translation>Nouvelle leçon</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="203" />
        <source>Move to trash</source>
        <translation>Mettre à la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="204" />
        <source>Move the selected lesson to the trash</source>
        <translation>Mettre la leçon choisie à la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="268" />
        <source>Moved to the trash. Restore it from the Trash.</source>
        <translation>Mise à la corbeille. Vous pouvez la restaurer depuis la Corbeille.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="275" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="275" />
        <source>Not done: %1</source>
        <translation>Non effectué : %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../mainwindow.py" line="42" />
        <source>&amp;New lesson</source>
        <extracomment>Every main action: name -&gt; (menu, label, shortcut). Settings list them for people to read.</extracomment>
        <translation>&amp;Nouvelle leçon</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="43" />
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="44" />
        <source>Move to &amp;trash</source>
        <translation>Mettre à la &amp;corbeille</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="45" />
        <source>Sign &amp;in to a server…</source>
        <translation>Se &amp;connecter à un serveur…</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="46" />
        <source>Se&amp;ttings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="47" />
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="48" />
        <source>&amp;Search lessons</source>
        <translation>&amp;Rechercher des leçons</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="49" />
        <source>Sync &amp;now</source>
        <translation>&amp;Synchroniser maintenant</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="51" />
        <source>Switch &amp;profile</source>
        <translation>Changer de &amp;profil</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="57" />
        <source>Review changes</source>
        <extracomment>Page titles other modules give with `window.tr(...)`: marked here so they are extracted under the context that call looks in ("MainWindow"), not the caller's variable name.</extracomment>
        <translation>Modifications à vérifier</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="58" />
        <source>Sync log</source>
        <translation>Journal de synchronisation</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="77" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="82" />
        <source>Sections</source>
        <translation>Rubriques</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="99" />
        <source>Lessons</source>
        <translation>Leçons</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="100" />
        <source>Trash</source>
        <translation>Corbeille</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="107" />
        <source>Signed-in profile</source>
        <extracomment>Mounted editors add "has unsaved edits?" checks here; closing asks before losing them.</extracomment>
        <translation>Profil connecté</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="146" />
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="146" />
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="146" />
        <source>S&amp;ync</source>
        <translation>S&amp;ynchronisation</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="160" />
        <source>&amp;Undo</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="162" />
        <source>&amp;Redo</source>
        <translation>&amp;Rétablir</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="234" />
        <location filename="../mainwindow.py" line="244" />
        <source>Unsaved changes</source>
        <translation>Modifications non enregistrées</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="235" />
        <source>The test has changes that are not saved. Close anyway and lose them?</source>
        <translation>Le test a des modifications non enregistrées. Fermer quand même et les perdre ?</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="245" />
        <source>This lesson has changes that are not saved. Save them before closing?</source>
        <translation>Cette leçon a des modifications non enregistrées. Les enregistrer avant de fermer ?</translation>
    </message>
</context>
<context>
    <name>NotesEditor</name>
    <message>
        <location filename="../lessons/notes.py" line="37" />
        <source>Notes of this lesson</source>
        <translation>Notes de cette leçon</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="39" />
        <location filename="../lessons/notes.py" line="40" />
        <source>Note title</source>
        <translation>Titre de la note</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="42" />
        <source>Write the note here</source>
        <translation>Écrivez la note ici</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="43" />
        <source>Note text</source>
        <translation>Texte de la note</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="44" />
        <source>Add note</source>
        <translation>Ajouter une note</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="45" />
        <source>Move up</source>
        <translation>Monter</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="46" />
        <source>Move down</source>
        <translation>Descendre</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="47" />
        <source>Delete note</source>
        <translation>Supprimer la note</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="68" />
        <source>Notes appear to learners in this order.</source>
        <translation>Les élèves voient les notes dans cet ordre.</translation>
    </message>
    <message>
        <location filename="../lessons/notes.py" line="85" />
        <source>(empty note)</source>
        <translation>(note vide)</translation>
    </message>
</context>
<context>
    <name>ProfilesMenu</name>
    <message>
        <location filename="../profiles_menu.py" line="56" />
        <source>Offline profile (this PC only)</source>
        <translation>Profil hors ligne (ce PC uniquement)</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="99" />
        <source>&amp;Profile</source>
        <translation>&amp;Profil</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="100" />
        <source>Profiles on this PC</source>
        <translation>Profils sur ce PC</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="106" />
        <source>Sign in as someone &amp;else…</source>
        <translation>Se connecter avec un &amp;autre compte…</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="108" />
        <source>Sign &amp;out</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="165" />
        <source>%1 — Signed out: sign in again</source>
        <translation>%1 — Déconnecté : reconnectez-vous</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="170" />
        <source>This profile is open</source>
        <translation>Ce profil est ouvert</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="170" />
        <source>Open this profile's lessons</source>
        <translation>Ouvrir les leçons de ce profil</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="212" />
        <location filename="../profiles_menu.py" line="236" />
        <source>Unsaved changes</source>
        <translation>Modifications non enregistrées</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="213" />
        <source>This lesson has changes that are not saved. Save them before switching profile?</source>
        <translation>Cette leçon a des modifications non enregistrées. Les enregistrer avant de changer de profil ?</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="237" />
        <source>The test has changes that are not saved. Switch anyway and lose them?</source>
        <translation>Le test a des modifications non enregistrées. Changer quand même et les perdre ?</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="254" />
        <location filename="../profiles_menu.py" line="264" />
        <location filename="../profiles_menu.py" line="267" />
        <source>Sign out</source>
        <translation>Se déconnecter</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="255" />
        <source>Sign out of %1 on this PC?</source>
        <translation>Se déconnecter de %1 sur ce PC ?</translation>
    </message>
    <message numerus="yes">
        <location filename="../profiles_menu.py" line="258" />
        <source>Your lessons stay on this PC, and %Ln change(s) not sent yet stay with them: they are sent after you sign in again. You can keep working offline meanwhile.</source>
        <translation><numerusform>Vos leçons restent sur ce PC, ainsi que %Ln modification pas encore envoyée : elle sera envoyée quand vous vous reconnecterez. Vous pouvez continuer à travailler hors ligne en attendant.</numerusform><numerusform>Vos leçons restent sur ce PC, ainsi que %Ln modifications pas encore envoyées : elles seront envoyées quand vous vous reconnecterez. Vous pouvez continuer à travailler hors ligne en attendant.</numerusform></translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="283" />
        <source>Signing out…</source>
        <translation>Déconnexion…</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="295" />
        <source>Signing out did not work; try again. Your work is safe on this PC.</source>
        <translation>La déconnexion n'a pas fonctionné ; réessayez. Votre travail est en sécurité sur ce PC.</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="137" />
        <source>Signed out of %1: sign in again to sync</source>
        <translation>Déconnecté de %1 : reconnectez-vous pour synchroniser</translation>
    </message>
    <message>
        <location filename="../profiles_menu.py" line="299" />
        <source>Signed out. Your lessons and unsent changes stay on this PC.</source>
        <translation>Déconnecté. Vos leçons et les modifications non envoyées restent sur ce PC.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="36" />
        <source>Same as the system</source>
        <translation>Comme le système</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="37" />
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="38" />
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="42" />
        <source>System default</source>
        <extracomment>config.LANGUAGES' name for "" (follow the system), marked here for the translation file.</extracomment>
        <translation>Langue du système</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="51" />
        <location filename="../settings_dialog.py" line="52" />
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="60" />
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="76" />
        <source>Server address</source>
        <translation>Adresse du serveur</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="77" />
        <source>Server public key (anon key)</source>
        <translation>Clé publique du serveur (clé anon)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="78" />
        <source>Sync every how many minutes</source>
        <translation>Synchroniser toutes les combien de minutes</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="79" />
        <source>Theme</source>
        <translation>Thème</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="80" />
        <source>Language</source>
        <translation>Langue</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="92" />
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="94" />
        <source>&amp;Address</source>
        <translation>&amp;Adresse</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="95" />
        <source>Public &amp;key</source>
        <translation>&amp;Clé publique</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="96" />
        <source>Sync &amp;every</source>
        <translation>Synchroniser &amp;toutes les</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="97" />
        <source>Look and language</source>
        <translation>Apparence et langue</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="99" />
        <source>&amp;Theme</source>
        <translation>&amp;Thème</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="100" />
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="101" />
        <location filename="../settings_dialog.py" line="104" />
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="105" />
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="105" />
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="144" />
        <source>The new language is used the next time TutorDesk starts.</source>
        <translation>La nouvelle langue sera utilisée au prochain démarrage de TutorDesk.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../firstrun.py" line="60" />
        <source>Cannot reach the server to sign in.</source>
        <extracomment>The sync package's sentences a sign-in can end with (its errors' `plain`), marked for the translation file; a sentence not listed here is shown as the sync package wrote it.</extracomment>
        <translation>Impossible de joindre le serveur pour se connecter.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="61" />
        <location filename="../firstrun.py" line="84" />
        <source>No connection to the server.</source>
        <translation>Pas de connexion au serveur.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="62" />
        <source>The server is not reachable right now.</source>
        <translation>Le serveur est injoignable pour le moment.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="63" />
        <source>The server did not answer in time.</source>
        <translation>Le serveur n'a pas répondu à temps.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="64" />
        <source>The e-mail or password is not right.</source>
        <translation>L'adresse e-mail ou le mot de passe n'est pas correct.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="65" />
        <source>Too many sign-in attempts; wait a while, then retry.</source>
        <translation>Trop de tentatives de connexion ; patientez un peu, puis réessayez.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="66" />
        <source>That server address or key is not valid.</source>
        <translation>Cette adresse de serveur ou cette clé n'est pas valide.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="67" />
        <source>The server had a problem; the sync will be tried again later.</source>
        <translation>Le serveur a rencontré un problème ; la synchronisation sera retentée plus tard.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="68" />
        <source>The server is not set up for this app's sync.</source>
        <translation>Le serveur n'est pas configuré pour la synchronisation de cette application.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="69" />
        <source>The server refused access for this account.</source>
        <translation>Le serveur a refusé l'accès à ce compte.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="70" />
        <source>The server did not know this computer; it could not be registered for syncing.</source>
        <translation>Le serveur ne connaissait pas cet ordinateur ; il n'a pas pu être enregistré pour la synchronisation.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="73" />
        <source>Please update the app: the server needs a newer version. You can keep working offline.</source>
        <translation>Mettez l'application à jour : le serveur demande une version plus récente. Vous pouvez continuer à travailler hors ligne.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="85" />
        <source>%1 You can keep working offline and sign in later.</source>
        <translation>%1 Vous pouvez continuer à travailler hors ligne et vous connecter plus tard.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="89" />
        <source>Signing in did not work. You can keep working offline and sign in later.</source>
        <translation>La connexion n'a pas fonctionné. Vous pouvez continuer à travailler hors ligne et vous connecter plus tard.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="110" />
        <location filename="../firstrun.py" line="129" />
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="127" />
        <source>Sign-in message</source>
        <translation>Message de connexion</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="135" />
        <source>Server &amp;address</source>
        <translation>&amp;Adresse du serveur</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="136" />
        <source>Public &amp;key</source>
        <translation>&amp;Clé publique</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="137" />
        <source>&amp;Email</source>
        <translation>&amp;E-mail</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="138" />
        <source>&amp;Password</source>
        <translation>&amp;Mot de passe</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="150" />
        <source>Please fill in all four fields.</source>
        <translation>Veuillez remplir les quatre champs.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="153" />
        <source>Signing in…</source>
        <translation>Connexion…</translation>
    </message>
</context>
<context>
    <name>TrashPage</name>
    <message>
        <location filename="../lessons/page.py" line="297" />
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="298" />
        <source>Restore the selected lesson</source>
        <translation>Restaurer la leçon choisie</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="300" />
        <source>Deleted lessons stay here. Restoring one brings it back on every device.</source>
        <translation>Les leçons supprimées restent ici. En restaurer une la ramène sur tous les appareils.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="318" />
        <source>Restored. It is back in Lessons.</source>
        <translation>Restaurée. Elle est de retour dans Leçons.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="323" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="323" />
        <source>Not restored: %1</source>
        <translation>Non restaurée : %1</translation>
    </message>
</context>
<context>
    <name>TutorDeskApp</name>
    <message>
        <location filename="../app.py" line="126" />
        <source>Offline profile (this PC only)</source>
        <extracomment>If the list's first page is slow to come, the rest of the start-up does not wait longer than this.</extracomment>
        <translation>Profil hors ligne (ce PC uniquement)</translation>
    </message>
    <message>
        <location filename="../app.py" line="127" />
        <source>Signed in as %s</source>
        <translation>Connecté en tant que %s</translation>
    </message>
    <message>
        <location filename="../app.py" line="175" />
        <source>The local data file of this profile is damaged. To keep it from getting worse, TutorDesk saves nothing more into it and does not sync: you can still read what it shows, but it may be incomplete, and changes you make now are not kept.

Close TutorDesk and open it again: the damaged file will be set aside (kept, not deleted) and a fresh one made. Lessons that were synced come back at the next sync; changes not yet sent stay in the kept file.</source>
        <translation>Le fichier de données local de ce profil est endommagé. Pour éviter d'aggraver les choses, TutorDesk n'y enregistre plus rien et ne synchronise plus : vous pouvez encore lire ce qu'il affiche, mais cela peut être incomplet, et les modifications faites maintenant ne sont pas gardées.

Fermez TutorDesk et rouvrez-le : le fichier endommagé sera mis de côté (gardé, pas supprimé) et un nouveau sera créé. Les leçons synchronisées reviendront à la prochaine synchronisation ; les modifications pas encore envoyées restent dans le fichier gardé.</translation>
    </message>
    <message>
        <location filename="../app.py" line="181" />
        <source>Damaged data file: nothing is saved. Restart TutorDesk.</source>
        <translation>Fichier de données endommagé : rien n'est enregistré. Redémarrez TutorDesk.</translation>
    </message>
    <message>
        <location filename="../app.py" line="182" />
        <source>Data file problem</source>
        <translation>Problème de fichier de données</translation>
    </message>
    <message>
        <location filename="../app.py" line="194" />
        <source>Test</source>
        <translation>Test</translation>
    </message>
</context>
<context>
    <name>launch</name>
    <message>
        <location filename="../launch.py" line="72" />
        <source>The local data file was damaged. It was kept as %1 and a fresh copy will be downloaded at the next sync.</source>
        <translation>Le fichier de données local était endommagé. Il a été gardé sous le nom %1 et une copie neuve sera téléchargée à la prochaine synchronisation.</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../syncwire.py" line="60" />
        <source>Review changes</source>
        <extracomment>How long quitting waits for a running sync to reach its next page boundary.</extracomment>
        <translation>Modifications à vérifier</translation>
    </message>
    <message>
        <location filename="../syncwire.py" line="62" />
        <source>Sync log</source>
        <translation>Journal de synchronisation</translation>
    </message>
</context>
<context>
    <name>words</name>
    <message>
        <location filename="../syncview/bridge.py" line="228" />
        <source>Something went wrong: %1</source>
        <extracomment>Scheduler event kinds that end a run, and those too frequent or empty to log.</extracomment>
        <translation>Un problème est survenu : %1</translation>
    </message>
    <message>
        <location filename="../syncview/log_view.py" line="104" />
        <source>Sync log</source>
        <translation>Journal de synchronisation</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="209" />
        <source>There is no value of yours to re-apply here.</source>
        <extracomment>What names a row for a person, per table (the rest show the start of their id).</extracomment>
        <translation>Il n'y a ici aucune valeur à vous à réappliquer.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="218" />
        <source>This row is no longer on this PC, so the value cannot be re-applied.</source>
        <translation>Cette ligne n'est plus sur ce PC : la valeur ne peut pas être réappliquée.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="252" />
        <source>Changes to review</source>
        <translation>Modifications à vérifier</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="262" />
        <source>Re-apply my value</source>
        <translation>Réappliquer ma valeur</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="263" />
        <source>Write your value again; it is sent with the next sync.</source>
        <translation>Réécrire votre valeur ; elle sera envoyée à la prochaine synchronisation.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="264" />
        <source>Dismiss</source>
        <translation>Ignorer</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="265" />
        <source>Keep the value that won and remove this line.</source>
        <translation>Garder la valeur retenue et retirer cette ligne.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="276" />
        <source>Values that lost to another edit or were refused by the server are kept here. Nothing you typed is lost.</source>
        <translation>Les valeurs écartées par une autre modification ou refusées par le serveur sont gardées ici. Rien de ce que vous avez saisi n'est perdu.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="320" />
        <source>Nothing to review.</source>
        <translation>Rien à vérifier.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="334" />
        <source>Done.</source>
        <translation>C'est fait.</translation>
    </message>
    <message>
        <location filename="../syncview/review.py" line="346" />
        <source>That did not work: %1. Try again after the sync.</source>
        <translation>Cela n'a pas fonctionné : %1. Réessayez après la synchronisation.</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="63" />
        <source>Sync status</source>
        <extracomment>How often "Synced 2 minutes ago" is re-worded with no event coming in.</extracomment>
        <translation>État de la synchronisation</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="68" />
        <source>Sync progress</source>
        <translation>Progression de la synchronisation</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="72" />
        <location filename="../syncview/status.py" line="73" />
        <location filename="../syncview/status.py" line="76" />
        <location filename="../syncview/status.py" line="156" />
        <source>Sync now</source>
        <translation>Synchroniser</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="105" />
        <source>Working offline: no server is set up for this profile</source>
        <translation>Hors ligne : aucun serveur n'est configuré pour ce profil</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="124" />
        <source>%1 to review</source>
        <translation>%1 à vérifier</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="200" />
        <source>Clock warning</source>
        <translation>Avertissement d'horloge</translation>
    </message>
    <message>
        <location filename="../syncview/status.py" line="203" />
        <source>Hide the clock warning</source>
        <translation>Masquer l'avertissement d'horloge</translation>
    </message>
</context>
</TS>