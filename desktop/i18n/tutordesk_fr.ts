<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fr_FR">
<context>
    <name>ErrorBox</name>
    <message>
        <location filename="../crash.py" line="106" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../crash.py" line="108" />
        <source>Error message</source>
        <translation>Message d'erreur</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <location filename="../crash.py" line="82" />
        <source>Something went wrong, but your work is safe.</source>
        <translation>Un problème est survenu, mais votre travail est en sécurité.</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <location filename="../firstrun.py" line="153" />
        <source>Welcome to TutorDesk</source>
        <translation>Bienvenue dans TutorDesk</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="156" />
        <source>TutorDesk keeps everything on this PC and works without the internet. If your school has a TutorDesk server, connect to it so your lessons are shared and backed up.</source>
        <translation>TutorDesk garde tout sur ce PC et fonctionne sans internet. Si votre école a un serveur TutorDesk, connectez-vous pour partager et sauvegarder vos leçons.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="161" />
        <source>Connect to a server…</source>
        <translation>Se connecter à un serveur…</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="162" />
        <source>Connect to a server</source>
        <translation>Se connecter à un serveur</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="163" />
        <location filename="../firstrun.py" line="164" />
        <source>Work offline for now</source>
        <translation>Travailler hors ligne pour l'instant</translation>
    </message>
</context>
<context>
    <name>LessonEditor</name>
    <message>
        <location filename="../lessons/editor.py" line="74" />
        <source>Active (learners can use it)</source>
        <extracomment>Who new lessons and notes belong to; the app sets it once the profile's rows are known.</extracomment>
        <translation>Active (les élèves peuvent l'utiliser)</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="75" />
        <location filename="../lessons/editor.py" line="86" />
        <source>Published</source>
        <translation>Publiée</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="77" />
        <source>optional: a media id from the media library</source>
        <translation>facultatif : l'identifiant d'un média de la médiathèque</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="80" />
        <source>Lesson code</source>
        <translation>Code de la leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="81" />
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="82" />
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="83" />
        <source>Lesson type</source>
        <translation>Type de leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="84" />
        <source>Difficulty from 1 to 5</source>
        <translation>Difficulté de 1 à 5</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="85" />
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="87" />
        <source>Cover media</source>
        <translation>Image de couverture</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="96" />
        <source>Problem</source>
        <translation>Problème</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="101" />
        <source>Editor message</source>
        <translation>Message de l'éditeur</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="102" />
        <source>Save</source>
        <translation>Enregistrer</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="103" />
        <source>Save lesson</source>
        <translation>Enregistrer la leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="108" />
        <source>&amp;Code</source>
        <translation>&amp;Code</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="110" />
        <source>&amp;Title</source>
        <translation>&amp;Titre</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="112" />
        <source>&amp;Description</source>
        <translation>&amp;Description</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="114" />
        <source>T&amp;ype</source>
        <translation>T&amp;ype</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="115" />
        <source>Di&amp;fficulty</source>
        <translation>Di&amp;fficulté</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="118" />
        <source>Co&amp;ver</source>
        <translation>Cou&amp;verture</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="125" />
        <source>Lesson</source>
        <translation>Leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="126" />
        <source>Notes</source>
        <translation>Notes</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="171" />
        <source>Opening…</source>
        <translation>Ouverture…</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="180" />
        <source>This lesson is no longer on this PC.</source>
        <translation>Cette leçon n'est plus sur ce PC.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="207" />
        <source>New lesson</source>
        <translation>Nouvelle leçon</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="224" />
        <source>Edit %s</source>
        <translation>Modifier %s</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="279" />
        <location filename="../lessons/editor.py" line="314" />
        <source>Please fix the marked fields, then save again.</source>
        <translation>Corrigez les champs signalés, puis enregistrez à nouveau.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="285" />
        <source>Still opening your profile; save again in a moment.</source>
        <translation>Ouverture du profil en cours ; réessayez dans un instant.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="289" />
        <source>Saving…</source>
        <translation>Enregistrement…</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="302" />
        <source>Saved on this PC.</source>
        <translation>Enregistré sur ce PC.</translation>
    </message>
    <message>
        <location filename="../lessons/editor.py" line="316" />
        <source>Not saved: %s</source>
        <translation>Non enregistré : %s</translation>
    </message>
</context>
<context>
    <name>LessonList</name>
    <message>
        <location filename="../lessons/page.py" line="83" />
        <source>Search titles, descriptions and notes</source>
        <extracomment>Searches start at this many characters: a single letter matches most of a big list and is the slowest. Typing bursts are coalesced: the first key after a pause searches at once, later ones wait this long.</extracomment>
        <translation>Rechercher dans les titres, descriptions et notes</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="84" />
        <source>Search lessons</source>
        <translation>Rechercher des leçons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="87" />
        <source>Filter by type</source>
        <translation>Filtrer par type</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="88" />
        <source>All types</source>
        <translation>Tous les types</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="91" />
        <source>Filter by difficulty</source>
        <translation>Filtrer par difficulté</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="92" />
        <source>Any difficulty</source>
        <translation>Toute difficulté</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="93" />
        <source>Difficulty %d</source>
        <translation>Difficulté %d</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="96" />
        <source>Filter by state</source>
        <translation>Filtrer par état</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="98" />
        <source>Published and drafts</source>
        <translation>Publiées et brouillons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="99" />
        <source>Published</source>
        <translation>Publiée</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="100" />
        <source>Drafts</source>
        <translation>Brouillons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="103" />
        <source>Type at least two letters to search.</source>
        <translation>Tapez au moins deux lettres pour chercher.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="106" />
        <source>Number of lessons</source>
        <translation>Nombre de leçons</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="108" />
        <source>Lessons in trash</source>
        <translation>Leçons dans la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="108" />
        <source>Lessons</source>
        <translation>Leçons</translation>
    </message>
    <message numerus="yes">
        <location filename="../lessons/page.py" line="177" />
        <source>%n lesson(s) in the trash</source>
        <translation><numerusform>%n leçon dans la corbeille</numerusform><numerusform>%n leçons dans la corbeille</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../lessons/page.py" line="179" />
        <source>%n lesson(s)</source>
        <translation><numerusform>%n leçon</numerusform><numerusform>%n leçons</numerusform></translation>
    </message>
</context>
<context>
    <name>LessonTableModel</name>
    <message>
        <location filename="../lessons/model.py" line="39" />
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="40" />
        <source>Title</source>
        <translation>Titre</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="41" />
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="42" />
        <source>Difficulty</source>
        <translation>Difficulté</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="43" />
        <source>Status</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="44" />
        <source>Last changed</source>
        <translation>Modifiée le</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="47" />
        <source>Word</source>
        <translation>Mot</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="48" />
        <source>Sentence</source>
        <translation>Phrase</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="49" />
        <source>Freestyle</source>
        <translation>Libre</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="185" />
        <source>In trash</source>
        <translation>Dans la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="187" />
        <source>Published</source>
        <translation>Publiée</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="189" />
        <source>Draft</source>
        <translation>Brouillon</translation>
    </message>
    <message>
        <location filename="../lessons/model.py" line="191" />
        <source>Inactive</source>
        <translation>Inactive</translation>
    </message>
</context>
<context>
    <name>LessonsPage</name>
    <message>
        <location filename="../lessons/page.py" line="212" />
        <location filename="../lessons/page.py" line="213" />
        <source>New lesson</source>
        <translation>Nouvelle leçon</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="214" />
        <source>Move to trash</source>
        <translation>Mettre à la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="215" />
        <source>Move the selected lesson to the trash</source>
        <translation>Mettre la leçon choisie à la corbeille</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="271" />
        <source>Moved to the trash. Restore it from the Trash.</source>
        <translation>Mise à la corbeille. Vous pouvez la restaurer depuis la Corbeille.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="278" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="278" />
        <source>Not done: %s</source>
        <translation>Non effectué : %s</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../mainwindow.py" line="40" />
        <source>&amp;New lesson</source>
        <extracomment>Every main action: name -&gt; (menu, label, shortcut). Settings list them for people to read.</extracomment>
        <translation>&amp;Nouvelle leçon</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="41" />
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="42" />
        <source>Move to &amp;trash</source>
        <translation>Mettre à la &amp;corbeille</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="43" />
        <source>Sign &amp;in to a server…</source>
        <translation>Se &amp;connecter à un serveur…</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="44" />
        <source>Se&amp;ttings…</source>
        <translation>&amp;Paramètres…</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="45" />
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="46" />
        <source>&amp;Search lessons</source>
        <translation>&amp;Rechercher des leçons</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="47" />
        <source>Sync &amp;now</source>
        <translation>&amp;Synchroniser maintenant</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="67" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="72" />
        <source>Sections</source>
        <translation>Rubriques</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="89" />
        <source>Lessons</source>
        <translation>Leçons</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="90" />
        <source>Trash</source>
        <translation>Corbeille</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="97" />
        <source>Signed-in profile</source>
        <extracomment>Mounted editors add "has unsaved edits?" checks here; closing asks before losing them.</extracomment>
        <translation>Profil connecté</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="136" />
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="136" />
        <source>&amp;Edit</source>
        <translation>É&amp;dition</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="136" />
        <source>S&amp;ync</source>
        <translation>S&amp;ynchronisation</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="149" />
        <source>&amp;Undo</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="151" />
        <source>&amp;Redo</source>
        <translation>&amp;Rétablir</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="206" />
        <location filename="../mainwindow.py" line="216" />
        <source>Unsaved changes</source>
        <translation>Modifications non enregistrées</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="207" />
        <source>The test has changes that are not saved. Close anyway and lose them?</source>
        <translation>Le test a des modifications non enregistrées. Fermer quand même et les perdre ?</translation>
    </message>
    <message>
        <location filename="../mainwindow.py" line="217" />
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
    <name>SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.py" line="35" />
        <source>Same as the system</source>
        <translation>Comme le système</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="36" />
        <source>Light</source>
        <translation>Clair</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="37" />
        <source>Dark</source>
        <translation>Sombre</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="47" />
        <location filename="../settings_dialog.py" line="48" />
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="56" />
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="72" />
        <source>Server public key (anon key)</source>
        <translation>Clé publique du serveur (clé anon)</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="73" />
        <source>Sync every how many minutes</source>
        <translation>Synchroniser toutes les combien de minutes</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="87" />
        <source>Server</source>
        <translation>Serveur</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="89" />
        <source>&amp;Address</source>
        <translation>&amp;Adresse</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="90" />
        <source>Public &amp;key</source>
        <translation>&amp;Clé publique</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="91" />
        <source>Sync &amp;every</source>
        <translation>Synchroniser &amp;toutes les</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="92" />
        <source>Look and language</source>
        <translation>Apparence et langue</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="94" />
        <source>&amp;Theme</source>
        <translation>&amp;Thème</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="95" />
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="96" />
        <location filename="../settings_dialog.py" line="99" />
        <source>Keyboard shortcuts</source>
        <translation>Raccourcis clavier</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="100" />
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="100" />
        <source>Keys</source>
        <translation>Touches</translation>
    </message>
    <message>
        <location filename="../settings_dialog.py" line="135" />
        <source>The new language is used the next time TutorDesk starts.</source>
        <translation>La nouvelle langue sera utilisée au prochain démarrage de TutorDesk.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../firstrun.py" line="81" />
        <location filename="../firstrun.py" line="100" />
        <source>Sign in</source>
        <translation>Se connecter</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="98" />
        <source>Sign-in message</source>
        <translation>Message de connexion</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="106" />
        <source>Server &amp;address</source>
        <translation>&amp;Adresse du serveur</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="107" />
        <source>Public &amp;key</source>
        <translation>&amp;Clé publique</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="108" />
        <source>&amp;Email</source>
        <translation>&amp;E-mail</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="109" />
        <source>&amp;Password</source>
        <translation>&amp;Mot de passe</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="121" />
        <source>Please fill in all four fields.</source>
        <translation>Veuillez remplir les quatre champs.</translation>
    </message>
    <message>
        <location filename="../firstrun.py" line="124" />
        <source>Signing in…</source>
        <translation>Connexion…</translation>
    </message>
</context>
<context>
    <name>TrashPage</name>
    <message>
        <location filename="../lessons/page.py" line="295" />
        <source>Restore</source>
        <translation>Restaurer</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="296" />
        <source>Restore the selected lesson</source>
        <translation>Restaurer la leçon choisie</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="298" />
        <source>Deleted lessons stay here. Restoring one brings it back on every device.</source>
        <translation>Les leçons supprimées restent ici. En restaurer une la ramène sur tous les appareils.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="316" />
        <source>Restored. It is back in Lessons.</source>
        <translation>Restaurée. Elle est de retour dans Leçons.</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="321" />
        <source>TutorDesk</source>
        <translation>TutorDesk</translation>
    </message>
    <message>
        <location filename="../lessons/page.py" line="321" />
        <source>Not restored: %s</source>
        <translation>Non restaurée : %s</translation>
    </message>
</context>
<context>
    <name>TutorDeskApp</name>
    <message>
        <location filename="../app.py" line="94" />
        <source>Offline profile (this PC only)</source>
        <translation>Profil hors ligne (ce PC uniquement)</translation>
    </message>
    <message>
        <location filename="../app.py" line="95" />
        <source>Signed in as %s</source>
        <translation>Connecté en tant que %s</translation>
    </message>
    <message>
        <location filename="../app.py" line="119" />
        <source>Test</source>
        <translation>Test</translation>
    </message>
</context>
</TS>