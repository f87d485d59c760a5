<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AboutDialog</name>
    <message>
        <source>This source checkout has no licence report: run `{command}` in its top folder to make one, then reopen this dialog.</source>
        <translation>Dieser Quellcode-Stand hat keinen Lizenzbericht: Führen Sie `{command}` in seinem obersten Ordner aus, um einen zu erstellen, und öffnen Sie dieses Fenster dann erneut.</translation>
    </message>
    <message>
        <source>The licence report of this build cannot be read: {error}</source>
        <translation>Der Lizenzbericht dieses Builds kann nicht gelesen werden: {error}</translation>
    </message>
    <message>
        <source>version {version}</source>
        <translation>Version {version}</translation>
    </message>
    <message>
        <source>commit {commit}</source>
        <translation>Commit {commit}</translation>
    </message>
    <message>
        <source>built {time}</source>
        <translation>erstellt {time}</translation>
    </message>
    <message>
        <source>Build: {details}</source>
        <extracomment>{details}: &quot;version 1.2.3, commit 0123abc, built 2025-05-01 12:30 UTC&quot;.</extracomment>
        <translation>Build: {details}</translation>
    </message>
    <message>
        <source>About SDM Desktop</source>
        <translation>Über SDM Desktop</translation>
    </message>
    <message>
        <source>Server: {server}</source>
        <extracomment>Every library listed, in the order of the table&apos;s rows.</extracomment>
        <translation>Server: {server}</translation>
    </message>
    <message>
        <source>Copyright © the SDM Desktop authors. Released under the MIT licence.</source>
        <translation>Copyright © die Autorinnen und Autoren von SDM Desktop. Veröffentlicht unter der MIT-Lizenz.</translation>
    </message>
    <message>
        <source>Third-party licences</source>
        <extracomment>Why the libraries are not listed (no report, or one that cannot be read).</extracomment>
        <translation>Lizenzen von Drittanbietern</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <source>&amp;Third-party licences:</source>
        <translation>&amp;Lizenzen von Drittanbietern:</translation>
    </message>
    <message>
        <source>Licence text</source>
        <translation>Lizenztext</translation>
    </message>
    <message>
        <source>Licence te&amp;xt:</source>
        <translation>Lizenzte&amp;xt:</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy all licence notices to the clipboard</source>
        <translation>Alle Lizenzhinweise in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Copy the versions and every licence notice as plain text</source>
        <translation>Die Versionen und alle Lizenzhinweise als reinen Text kopieren</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Close</source>
        <extracomment>No &quot;&amp;&quot; here: the dialog&apos;s other buttons take the letters, and Escape closes it.</extracomment>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>No licence text is shipped with this package; licence: {licence}</source>
        <translation>Dieses Paket enthält keinen Lizenztext; Lizenz: {licence}</translation>
    </message>
    <message>
        <source>About Qt</source>
        <translation>Über Qt</translation>
    </message>
    <message>
        <source>This program uses Qt {qt} through PySide6 {pyside}.</source>
        <translation>Dieses Programm verwendet Qt {qt} über PySide6 {pyside}.</translation>
    </message>
</context>
<context>
    <name>AdminPinDialog</name>
    <message>
        <source>Enter the administrator PIN to leave kiosk mode.</source>
        <extracomment>The dialog closes by itself after this long without a key pressed in it. The dialog&apos;s words in English (it shows them translated: :meth:`AdminPinDialog.ask_text`).</extracomment>
        <translation>Geben Sie die Administrator-PIN ein, um den Kiosk-Modus zu verlassen.</translation>
    </message>
    <message>
        <source>That PIN is not right.</source>
        <translation>Diese PIN ist nicht richtig.</translation>
    </message>
    <message>
        <source>Too many wrong PINs. Try again in {seconds} s.</source>
        <translation>Zu viele falsche PINs. Versuchen Sie es in {seconds} s erneut.</translation>
    </message>
    <message>
        <source>Leave kiosk mode</source>
        <translation>Kiosk-Modus verlassen</translation>
    </message>
    <message>
        <source>PIN message</source>
        <translation>PIN-Hinweis</translation>
    </message>
    <message>
        <source>Administrator PIN</source>
        <translation>Administrator-PIN</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>&amp;Leave kiosk mode</source>
        <translation>Kiosk-Modus &amp;verlassen</translation>
    </message>
</context>
<context>
    <name>AiStatusBanner</name>
    <message>
        <source>Assistant status</source>
        <translation>Status des Assistenten</translation>
    </message>
    <message>
        <source>&amp;Download summary (PDF)</source>
        <translation>&amp;Zusammenfassung herunterladen (PDF)</translation>
    </message>
    <message>
        <source>The assistant is thinking…</source>
        <translation>Der KI-Assistent denkt nach…</translation>
    </message>
    <message>
        <source>Generating your summary…</source>
        <translation>Ihre Zusammenfassung wird erstellt…</translation>
    </message>
    <message>
        <source>Analyzing the conversation (you may continue the dialogue)…</source>
        <translation>Das Gespräch wird ausgewertet (Sie können weiterschreiben)…</translation>
    </message>
    <message>
        <source>Your summary is ready.</source>
        <translation>Ihre Zusammenfassung ist fertig.</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Type a message — Enter sends, Shift+Enter adds a line</source>
        <translation>Nachricht eingeben – Eingabetaste sendet, Umschalt+Eingabetaste fügt eine Zeile ein</translation>
    </message>
</context>
<context>
    <name>ConnectionIndicator</name>
    <message>
        <source>Connection status</source>
        <extracomment>The colour of each state, a field of core.contrast.Colours: the scheme&apos;s value (text is always there too: colour is never the only signal). &quot;Connected&quot;, but not everything is well (not signed in, messages waiting).</extracomment>
        <translation>Verbindungsstatus</translation>
    </message>
    <message>
        <source>{status} — {attention}</source>
        <extracomment>The status line (&quot;Connected&quot;), then what qualifies it (&quot;not signed in&quot;).</extracomment>
        <translation>{status} – {attention}</translation>
    </message>
    <message>
        <source>{state}, {attention}</source>
        <translation>{state}, {attention}</translation>
    </message>
    <message>
        <source>Connection status: {state}</source>
        <translation>Verbindungsstatus: {state}</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>Verbindung wird hergestellt</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>Verbindung wird wiederhergestellt</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Connection failed</source>
        <translation>Verbindung fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>&amp;New conversation</source>
        <translation>N&amp;eues Gespräch</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Ein neues Gespräch beginnen (Strg+N)</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Gespräche</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <source>{title}
Last used {when}
{id}</source>
        <translation>{title}
Zuletzt verwendet: {when}
{id}</translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>{milliseconds} ms</source>
        <translation>{milliseconds} ms</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <source>signed out</source>
        <translation>abgemeldet</translation>
    </message>
    <message>
        <source>not yet checked</source>
        <translation>noch nicht geprüft</translation>
    </message>
    <message>
        <source>signed in</source>
        <translation>angemeldet</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Gespräch</translation>
    </message>
    <message>
        <source>Reconnect attempts</source>
        <translation>Verbindungsversuche</translation>
    </message>
    <message>
        <source>Latency</source>
        <translation>Latenz</translation>
    </message>
    <message>
        <source>Listeners</source>
        <translation>Listener</translation>
    </message>
    <message>
        <source>Status listeners</source>
        <translation>Status-Listener</translation>
    </message>
    <message>
        <source>Last close</source>
        <translation>Zuletzt getrennt</translation>
    </message>
    <message>
        <source>Failure reason</source>
        <translation>Fehlergrund</translation>
    </message>
    <message>
        <source>Last error detail</source>
        <translation>Letztes Fehlerdetail</translation>
    </message>
    <message>
        <source>Next retry in</source>
        <translation>Nächster Versuch in</translation>
    </message>
    <message>
        <source>Network available</source>
        <translation>Netzwerk verfügbar</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>Denkt nach</translation>
    </message>
    <message>
        <source>Extracting</source>
        <translation>Wertet aus</translation>
    </message>
    <message>
        <source>Summary generating</source>
        <translation>Zusammenfassung in Arbeit</translation>
    </message>
    <message>
        <source>Sign-in</source>
        <translation>Anmeldung</translation>
    </message>
    <message>
        <source>not tracked</source>
        <translation>nicht erfasst</translation>
    </message>
    <message>
        <source>Kept in</source>
        <translation>Gespeichert in</translation>
    </message>
    <message>
        <source>Last request error</source>
        <translation>Letzter Anfragefehler</translation>
    </message>
    <message>
        <source>{count} attempts since the last sign-in</source>
        <translation>{count} Versuche seit der letzten Anmeldung</translation>
    </message>
    <message>
        <source>Unattended sign-in</source>
        <translation>Automatische Anmeldung</translation>
    </message>
    <message>
        <source>Unattended sign-in problem</source>
        <translation>Problem der automatischen Anmeldung</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>code {code}</source>
        <translation>Code {code}</translation>
    </message>
    <message>
        <source>attempt {attempt}</source>
        <translation>Versuch {attempt}</translation>
    </message>
    <message>
        <source>delay {delay}</source>
        <translation>Verzögerung {delay}</translation>
    </message>
    <message>
        <source>SDM Desktop {version} connection diagnostics, {time}</source>
        <translation>SDM Desktop {version}, Verbindungsdiagnose, {time}</translation>
    </message>
    <message>
        <source>Recent events, newest first</source>
        <translation>Letzte Ereignisse, neueste zuerst</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Connection diagnostics</source>
        <translation>Verbindungsdiagnose</translation>
    </message>
    <message>
        <source>A live view of the connection, refreshed twice a second. It shows ids and states only, never message text: you may paste it into a support ticket.</source>
        <translation>Eine Live-Ansicht der Verbindung, zweimal pro Sekunde aktualisiert. Sie zeigt nur Kennungen und Zustände, nie den Text von Nachrichten: Sie können sie in eine Support-Anfrage einfügen.</translation>
    </message>
    <message>
        <source>Property</source>
        <extracomment>One table per socket, in the bridge&apos;s order.</extracomment>
        <translation>Eigenschaft</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Assistant status</source>
        <translation>Status des Assistenten</translation>
    </message>
    <message>
        <source>Network</source>
        <translation>Netzwerk</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>Sitzung</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>Assistent</translation>
    </message>
    <message>
        <source>Recent connection events</source>
        <translation>Letzte Verbindungsereignisse</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Socket</source>
        <translation>Socket</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>&amp;Copy to clipboard</source>
        <translation>In die Zwischenablage &amp;kopieren</translation>
    </message>
    <message>
        <source>Copy diagnostics to clipboard</source>
        <translation>Verbindungsdiagnose in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Close diagnostics</source>
        <translation>Verbindungsdiagnose schließen</translation>
    </message>
    <message>
        <source>Recent events (newest first)</source>
        <translation>Letzte Ereignisse (neueste zuerst)</translation>
    </message>
    <message>
        <source>{name} socket</source>
        <extracomment>A socket&apos;s name (&quot;Chat&quot;, &quot;Status&quot;): a table&apos;s title and accessible name.</extracomment>
        <translation>{name}-Socket</translation>
    </message>
</context>
<context>
    <name>EmptyPrompt</name>
    <message>
        <source>Ask a question about your care options. Type it in the box below and press Enter.</source>
        <extracomment>What :class:`EmptyPrompt` says (its English; the prompt shows it translated).</extracomment>
        <translation>Stellen Sie eine Frage zu Ihren Behandlungsmöglichkeiten. Tippen Sie sie unten in das Feld und drücken Sie die Eingabetaste.</translation>
    </message>
    <message>
        <source>How to start</source>
        <translation>So beginnen Sie</translation>
    </message>
</context>
<context>
    <name>KioskHeading</name>
    <message>
        <source>The clinic this kiosk belongs to</source>
        <extracomment>Text larger than the kiosk&apos;s own (times it; bold?), by object name: the heading here, and the banner and Start over button of :mod:`desktop_app.ui.kiosk` (a style sheet&apos;s size wins over the font they set for themselves).</extracomment>
        <translation>Die Klinik, zu der dieser Kiosk gehört</translation>
    </message>
</context>
<context>
    <name>LinkPanel</name>
    <message>
        <source>Links are not opened on this kiosk. Write the address down to read it later.</source>
        <extracomment>A title or an address longer than this is cut: the panel is a glance, not a page. The panel&apos;s note (its English; the panel shows it translated).</extracomment>
        <translation>Links werden an diesem Kiosk nicht geöffnet. Schreiben Sie sich die Adresse auf, um sie später zu lesen.</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>Link title</source>
        <translation>Titel des Links</translation>
    </message>
    <message>
        <source>Link address</source>
        <translation>Adresse des Links</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Your message is queued as soon as SDM Desktop has started.</source>
        <extracomment>Live messages reach the transcript at most this often (a lone message at once). Every insertion makes the list view lay out all its rows again, so a burst of messages is shown in batches rather than one relayout per message.</extracomment>
        <translation>Ihre Nachricht wird in die Warteschlange gestellt, sobald SDM Desktop gestartet ist.</translation>
    </message>
    <message>
        <source>SDM summary {conversation}.pdf</source>
        <translation>SDM-Zusammenfassung {conversation}.pdf</translation>
    </message>
    <message>
        <source>SDM Desktop</source>
        <extracomment>Offered here, where the window is built; WindowServices is defined next to the bridge, the one ui module that knows the managers it carries. The first paint: the composer (ready for typing) and the status bar are on screen. What the person opened while the window was starting (None: a new conversation).</extracomment>
        <translation>SDM Desktop</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Senden</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Nachricht senden (Eingabetaste)</translation>
    </message>
    <message>
        <source>&amp;New conversation</source>
        <translation>&amp;Neues Gespräch</translation>
    </message>
    <message>
        <source>&amp;Sign in…</source>
        <translation>&amp;Anmelden…</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Ab&amp;melden</translation>
    </message>
    <message>
        <source>&amp;Wipe demo data…</source>
        <translation>Demo-Daten &amp;löschen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Reconnect now</source>
        <translation>Jetzt &amp;neu verbinden</translation>
    </message>
    <message>
        <source>Connection &amp;diagnostics</source>
        <translation>&amp;Verbindungsdiagnose</translation>
    </message>
    <message>
        <source>&amp;About SDM Desktop</source>
        <translation>&amp;Über SDM Desktop</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;Next pane</source>
        <translation>&amp;Nächster Bereich</translation>
    </message>
    <message>
        <source>&amp;Previous pane</source>
        <translation>&amp;Vorheriger Bereich</translation>
    </message>
    <message>
        <source>&amp;Conversation list</source>
        <translation>&amp;Gesprächsliste</translation>
    </message>
    <message>
        <source>&amp;Transcript</source>
        <translation>Ver&amp;lauf</translation>
    </message>
    <message>
        <source>&amp;Message box</source>
        <translation>Nachrichten&amp;feld</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation>&amp;Verbindung</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Message not queued</source>
        <extracomment>The send under way, if any (a test may await it).</extracomment>
        <translation>Nachricht nicht in der Warteschlange</translation>
    </message>
    <message>
        <source>Wipe demo data</source>
        <translation>Demo-Daten löschen</translation>
    </message>
    <message>
        <source>Delete every conversation of the demo server on this computer: its messages, replies and summaries, and the messages waiting to be sent to it? This cannot be undone. A new conversation opens afterwards.</source>
        <translation>Alle Gespräche des Demo-Servers auf diesem Computer löschen – mit ihren Nachrichten, Antworten und Zusammenfassungen sowie den Nachrichten, die auf den Versand an ihn warten? Dies kann nicht rückgängig gemacht werden. Danach wird ein neues Gespräch geöffnet.</translation>
    </message>
    <message>
        <source>&amp;Wipe</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>The demo data was wiped. A new conversation opens.</source>
        <translation>Die Demo-Daten wurden gelöscht. Ein neues Gespräch wird geöffnet.</translation>
    </message>
    <message>
        <source>&amp;Retry sending</source>
        <translation>&amp;Erneut senden</translation>
    </message>
    <message>
        <source>&amp;Delete message</source>
        <translation>Nachricht &amp;löschen</translation>
    </message>
    <message>
        <source>&amp;Copy text</source>
        <translation>Text &amp;kopieren</translation>
    </message>
    <message>
        <source>Send in a &amp;new conversation</source>
        <translation>In einem &amp;neuen Gespräch senden</translation>
    </message>
    <message>
        <source>Message text copied.</source>
        <translation>Nachrichtentext kopiert.</translation>
    </message>
    <message>
        <source>Conversation {conversation}</source>
        <translation>Gespräch {conversation}</translation>
    </message>
    <message>
        <source>Queue the message: it is sent when the connection is back (Enter)</source>
        <translation>Nachricht in die Warteschlange stellen: Sie wird gesendet, sobald die Verbindung wieder besteht (Eingabetaste)</translation>
    </message>
    <message>
        <source>Save summary</source>
        <translation>Zusammenfassung speichern</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF-Dokumente (*.pdf)</translation>
    </message>
    <message>
        <source>Downloading the summary…</source>
        <translation>Zusammenfassung wird heruntergeladen…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Summary saved to {file}</source>
        <translation>Zusammenfassung gespeichert unter {file}</translation>
    </message>
    <message>
        <source>Summary saved</source>
        <translation>Zusammenfassung gespeichert</translation>
    </message>
    <message>
        <source>The summary was saved to
{file}

Open it now?</source>
        <translation>Die Zusammenfassung wurde gespeichert unter
{file}

Jetzt öffnen?</translation>
    </message>
    <message>
        <source>The summary could not be downloaded: {reason}.</source>
        <translation>Die Zusammenfassung konnte nicht heruntergeladen werden: {reason}.</translation>
    </message>
    <message>
        <source>Summary not saved</source>
        <translation>Zusammenfassung nicht gespeichert</translation>
    </message>
    <message>
        <source>the file could not be written (is the disk full, or the folder read-only?)</source>
        <translation>Die Datei konnte nicht geschrieben werden (ist der Datenträger voll oder der Ordner schreibgeschützt?)</translation>
    </message>
    <message>
        <source>something unexpected went wrong</source>
        <translation>Ein unerwarteter Fehler ist aufgetreten</translation>
    </message>
    <message>
        <source>Could not download the summary: {reason}.</source>
        <translation>Die Zusammenfassung konnte nicht heruntergeladen werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not sign out: {reason}.</source>
        <translation>Die Abmeldung ist fehlgeschlagen: {reason}.</translation>
    </message>
    <message>
        <source>Could not start a new conversation: {reason}.</source>
        <translation>Es konnte kein neues Gespräch begonnen werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not move the message to a new conversation: {reason}.</source>
        <translation>Die Nachricht konnte nicht in ein neues Gespräch verschoben werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not load the conversation: {reason}.</source>
        <translation>Das Gespräch konnte nicht geladen werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not wipe the demo data: {reason}.</source>
        <translation>Die Demo-Daten konnten nicht gelöscht werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not queue the message again: {reason}.</source>
        <translation>Die Nachricht konnte nicht erneut in die Warteschlange gestellt werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not delete the message: {reason}.</source>
        <translation>Die Nachricht konnte nicht gelöscht werden: {reason}.</translation>
    </message>
    <message>
        <source>Could not finish what you asked for: {reason}.</source>
        <translation>Ihr Auftrag konnte nicht ausgeführt werden: {reason}.</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Notice action</source>
        <translation>Aktion zum Hinweis</translation>
    </message>
</context>
<context>
    <name>OfflineBanner</name>
    <message>
        <source>Connection problem</source>
        <extracomment>Dark text on amber while the app is on it; white on dark red when it waits to try again. Idle this long, nothing in the outbox: a new conversation for the next visitor (0: never). The administrator PIN&apos;s hash (core.pin&apos;s text form); the exit needs the keys and the PIN.</extracomment>
        <translation>Verbindungsproblem</translation>
    </message>
</context>
<context>
    <name>ReconnectButton</name>
    <message>
        <source>&amp;Reconnect</source>
        <translation>&amp;Neu verbinden</translation>
    </message>
    <message>
        <source>Try to connect now instead of waiting (Alt+R)</source>
        <extracomment>The shortcut in the brackets is the one the button&apos;s &quot;&amp;&quot; makes.</extracomment>
        <translation>Jetzt verbinden, statt zu warten (Alt+N)</translation>
    </message>
</context>
<context>
    <name>ServerBanner</name>
    <message>
        <source>Demo server — do not enter patient data</source>
        <translation>Demo-Server – bitte keine Patientendaten eingeben</translation>
    </message>
    <message>
        <source>Not secure: this server address uses http://, your password is sent unencrypted</source>
        <translation>Nicht sicher: Diese Serveradresse verwendet http://, Ihr Passwort wird unverschlüsselt gesendet</translation>
    </message>
    <message>
        <source>Server warning</source>
        <translation>Serverwarnung</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Enter</source>
        <translation>Eingabetaste</translation>
    </message>
    <message>
        <source>Send the message (in the message box)</source>
        <translation>Nachricht senden (im Nachrichtenfeld)</translation>
    </message>
    <message>
        <source>Shift+Enter</source>
        <translation>Umschalt+Eingabetaste</translation>
    </message>
    <message>
        <source>Start a new line in the message box</source>
        <translation>Neue Zeile im Nachrichtenfeld beginnen</translation>
    </message>
    <message>
        <source>Tab</source>
        <translation>Tab</translation>
    </message>
    <message>
        <source>Next control: conversations, transcript, assistant and notice buttons, message box, Send, Reconnect</source>
        <translation>Nächstes Bedienelement: Gespräche, Verlauf, Schaltflächen des Assistenten und der Hinweise, Nachrichtenfeld, Senden, Neu verbinden</translation>
    </message>
    <message>
        <source>Shift+Tab</source>
        <translation>Umschalt+Tab</translation>
    </message>
    <message>
        <source>Previous control</source>
        <translation>Vorheriges Bedienelement</translation>
    </message>
    <message>
        <source>Up, Down</source>
        <translation>Pfeil nach oben, Pfeil nach unten</translation>
    </message>
    <message>
        <source>Move in the conversation list or the transcript</source>
        <translation>In der Gesprächsliste oder im Verlauf bewegen</translation>
    </message>
    <message>
        <source>Enter (conversation list)</source>
        <translation>Eingabetaste (Gesprächsliste)</translation>
    </message>
    <message>
        <source>Open the conversation</source>
        <translation>Gespräch öffnen</translation>
    </message>
    <message>
        <source>Page Up, Page Down, Home, End</source>
        <translation>Bild auf, Bild ab, Pos1, Ende</translation>
    </message>
    <message>
        <source>Move through the transcript</source>
        <translation>Durch den Verlauf blättern</translation>
    </message>
    <message>
        <source>Ctrl+C (transcript)</source>
        <translation>Strg+C (Verlauf)</translation>
    </message>
    <message>
        <source>Copy the selected message</source>
        <translation>Ausgewählte Nachricht kopieren</translation>
    </message>
    <message>
        <source>Menu, Shift+F10 (transcript)</source>
        <translation>Menütaste, Umschalt+F10 (Verlauf)</translation>
    </message>
    <message>
        <source>Retry, delete or copy a message that was not sent</source>
        <translation>Nicht gesendete Nachricht erneut senden, löschen oder kopieren</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Leertaste</translation>
    </message>
    <message>
        <source>Press the focused button</source>
        <translation>Schaltfläche mit dem Fokus betätigen</translation>
    </message>
    <message>
        <source>Escape</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Close a dialog; focus returns to the message box</source>
        <translation>Dialog schließen; der Fokus kehrt zum Nachrichtenfeld zurück</translation>
    </message>
    <message>
        <source>(unnamed)</source>
        <translation>(ohne Namen)</translation>
    </message>
    <message>
        <source>{command} menu</source>
        <translation>Menü {command}</translation>
    </message>
    <message>
        <source>{command} (button)</source>
        <translation>{command} (Schaltfläche)</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Every action of SDM Desktop can be reached with the keyboard. F6 moves between the conversation list, the transcript and the message box.</source>
        <translation>Jede Funktion von SDM Desktop ist mit der Tastatur erreichbar. F6 wechselt zwischen der Gesprächsliste, dem Verlauf und dem Nachrichtenfeld.</translation>
    </message>
    <message>
        <source>Each row: the keys, and what they do.</source>
        <translation>Jede Zeile: die Tasten und was sie bewirken.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Sign in to {server} to open your conversations.</source>
        <translation>Melden Sie sich bei {server} an, um Ihre Gespräche zu öffnen.</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>&amp;Email:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Demo server account: {email} / {password}</source>
        <extracomment>The demo server&apos;s made-up account: its email, then its password.</extracomment>
        <translation>Konto des Demo-Servers: {email} / {password}</translation>
    </message>
    <message>
        <source>Enter your email and password.</source>
        <translation>Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Wrong email or password. Please try again.</source>
        <translation>E-Mail-Adresse oder Passwort ist falsch. Bitte versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server cannot be reached. Check the network connection, then try again.</source>
        <translation>Der Server ist nicht erreichbar. Prüfen Sie die Netzwerkverbindung und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>The server refused the sign-in. Try again; if it keeps failing, tell your administrator.</source>
        <translation>Der Server hat die Anmeldung abgelehnt. Versuchen Sie es erneut; wenn es weiterhin nicht klappt, wenden Sie sich an Ihren Administrator.</translation>
    </message>
</context>
<context>
    <name>StartOverButton</name>
    <message>
        <source>Start &amp;over</source>
        <extracomment>The rule against guessing the PIN; None: no PIN configured, nobody leaves. What counts as a visitor using the kiosk, besides messages and replies.</extracomment>
        <translation>Neu &amp;beginnen</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>Neu beginnen</translation>
    </message>
    <message>
        <source>Clear the screen and start a new conversation for the next person</source>
        <translation>Bildschirm leeren und ein neues Gespräch für die nächste Person beginnen</translation>
    </message>
    <message>
        <source>Clear the screen and start a new conversation (Alt+O)</source>
        <extracomment>The shortcut in the brackets is the one the button&apos;s &quot;&amp;&quot; makes.</extracomment>
        <translation>Bildschirm leeren und ein neues Gespräch beginnen (Alt+B)</translation>
    </message>
</context>
<context>
    <name>StartupStatus</name>
    <message>
        <source>Could not start</source>
        <extracomment>The indicator&apos;s colours (:mod:`desktop_app.ui.connection_indicator`), fields of core.contrast.Colours: on its way, failed.</extracomment>
        <translation>Start fehlgeschlagen</translation>
    </message>
    <message>
        <source>● {state}</source>
        <translation>● {state}</translation>
    </message>
    <message>
        <source>Connection status: {state}</source>
        <translation>Verbindungsstatus: {state}</translation>
    </message>
</context>
<context>
    <name>TextSize</name>
    <message>
        <source>&amp;Larger text</source>
        <extracomment>Platform styles that draw with their own colours, whatever the palette says. The scheme drawn now, after a change (Scheme).</extracomment>
        <translation>&amp;Größerer Text</translation>
    </message>
    <message>
        <source>&amp;Smaller text</source>
        <translation>&amp;Kleinerer Text</translation>
    </message>
    <message>
        <source>&amp;Actual text size</source>
        <translation>&amp;Originale Textgröße</translation>
    </message>
    <message>
        <source>&amp;Actual text size (now {percent})</source>
        <translation>&amp;Originale Textgröße (jetzt {percent})</translation>
    </message>
</context>
<context>
    <name>Transcript</name>
    <message>
        <source>Queued</source>
        <extracomment>Only these schemes leave the app, and only to the system&apos;s handler. How much of a message is rendered (the rest is kept, and copied). Citation markers (of a known citation) looked at in one reply; later ones stay plain. Qt&apos;s line breaking is quadratic in the length of a word: an unbroken run of text gets an (invisible) break opportunity every this many characters. A run ends only at a space or a tab: Python&apos;s other whitespace (a no-break space, U+001F) does not break a line. Qt&apos;s markers in a block&apos;s text: an image, a frame&apos;s start and end. Never in a label. Laid-out documents kept: a laid-out character holds about 60 bytes, so the weight bound (characters) is what bounds memory; it holds several fully rendered replies. Plain texts of replies kept (for the accessible summary and copying), by characters of the reply and of its plain text. The badge shown in the header of a message that is not delivered: its English text (shown translated: :func:`badge_text`), and its colour&apos;s name in core.contrast.Colours (the word says the state; colour repeats it).</extracomment>
        <translation>Wartet auf Versand</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartet auf Versand</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>wird gesendet…</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Sie</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>KI-Assistent</translation>
    </message>
    <message>
        <source>Unknown sender</source>
        <translation>Unbekannter Absender</translation>
    </message>
    <message>
        <source>{sender}, {time}: {text}</source>
        <translation>{sender}, {time}: {text}</translation>
    </message>
    <message>
        <source>{sender}, {time}, {state} ({reason}): {text}</source>
        <translation>{sender}, {time}, {state} ({reason}): {text}</translation>
    </message>
    <message>
        <source>{sender}, {time}, {state}: {text}</source>
        <translation>{sender}, {time}, {state}: {text}</translation>
    </message>
    <message>
        <source>[image: {alt}]</source>
        <translation>[Bild: {alt}]</translation>
    </message>
    <message>
        <source>[image]</source>
        <translation>[Bild]</translation>
    </message>
    <message>
        <source>{size} KiB</source>
        <translation>{size} KiB</translation>
    </message>
    <message>
        <source>… and {count} more</source>
        <translation>… und {count} weitere</translation>
    </message>
    <message>
        <source>This message could not be sent.</source>
        <translation>Diese Nachricht konnte nicht gesendet werden.</translation>
    </message>
    <message>
        <source>— {reason} Right-click for Retry, Delete, Copy.</source>
        <extracomment>After a failed message&apos;s &quot;Failed&quot; badge. Retry, Delete and Copy: the message menu&apos;s items.</extracomment>
        <translation>— {reason} Rechtsklick für „Erneut senden“, „Nachricht löschen“ oder „Text kopieren“.</translation>
    </message>
    <message>
        <source>… Shortened on screen: the first {shown} of {total} are shown. Select the message and press Ctrl+C to copy all of it.</source>
        <translation>… Auf dem Bildschirm gekürzt: Die ersten {shown} von {total} werden angezeigt. Wählen Sie die Nachricht aus und drücken Sie Strg+C, um alles zu kopieren.</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Quellen</translation>
    </message>
    <message>
        <source>Decision aids:</source>
        <translation>Entscheidungshilfen:</translation>
    </message>
</context>
<context>
    <name>TranscriptView</name>
    <message>
        <source>Conversation transcript</source>
        <extracomment>The href of a link the user clicked (not yet checked: the view decides). A link the user clicked, after the scheme check, as it is handed to ``open_url``. Kiosk lockdown: a link is shown in the app by this (url, title), never opened.</extracomment>
        <translation>Gesprächsverlauf</translation>
    </message>
</context>
<context>
    <name>announcements</name>
    <message>
        <source>The assistant is thinking…</source>
        <extracomment>How many words of a reply are said (the reader moves to the transcript for more). The assistant&apos;s flags, by what is said in English (:func:`assistant_text` translates).</extracomment>
        <translation>Der KI-Assistent denkt nach…</translation>
    </message>
    <message>
        <source>Generating your summary…</source>
        <translation>Ihre Zusammenfassung wird erstellt…</translation>
    </message>
    <message>
        <source>Your summary is ready.</source>
        <translation>Ihre Zusammenfassung ist fertig.</translation>
    </message>
    <message>
        <source>Connected.</source>
        <translation>Verbunden.</translation>
    </message>
    <message>
        <source>The connection is back.</source>
        <translation>Die Verbindung ist wiederhergestellt.</translation>
    </message>
    <message>
        <source>Cannot reach the server yet. Trying again…</source>
        <translation>Der Server ist noch nicht erreichbar. Neuer Versuch…</translation>
    </message>
    <message>
        <source>The connection was lost. Reconnecting…</source>
        <translation>Die Verbindung wurde unterbrochen. Verbindung wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>This computer is offline. The app reconnects when the network is back.</source>
        <translation>Dieser Computer ist offline. Die App verbindet sich neu, sobald das Netzwerk wieder da ist.</translation>
    </message>
    <message>
        <source>Connection failed: {reason}. The app keeps trying.</source>
        <translation>Verbindung fehlgeschlagen: {reason}. Die App versucht es weiter.</translation>
    </message>
    <message>
        <source>Reply from {sender}: {words}</source>
        <translation>Antwort von {sender}: {words}</translation>
    </message>
    <message>
        <source>{count} new replies. The last from {sender}: {words}</source>
        <translation>{count} neue Antworten. Die letzte von {sender}: {words}</translation>
    </message>
</context>
<context>
    <name>conversation</name>
    <message>
        <source>You</source>
        <extracomment>How this person&apos;s own messages are named in the transcript (translated where made).</extracomment>
        <translation>Sie</translation>
    </message>
    <message>
        <source>Sign in…</source>
        <translation>Anmelden…</translation>
    </message>
    <message>
        <source>Try again now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Start a new conversation</source>
        <translation>Neues Gespräch beginnen</translation>
    </message>
    <message>
        <source>{notice} Trying again in {seconds} s.</source>
        <extracomment>When the app tries again by itself (a monotonic time), shown as a countdown. The translate ``text`` was made with: the countdown and the button use it too.</extracomment>
        <translation>{notice} Neuer Versuch in {seconds} s.</translation>
    </message>
    <message>
        <source>Its 1 message not sent is kept.</source>
        <translation>Die nicht gesendete Nachricht bleibt erhalten.</translation>
    </message>
    <message>
        <source>Its {count} messages not sent are kept.</source>
        <translation>Die {count} nicht gesendeten Nachrichten bleiben erhalten.</translation>
    </message>
    <message>
        <source>This conversation no longer exists on the server (it may have been deleted).</source>
        <translation>Dieses Gespräch gibt es auf dem Server nicht mehr (es wurde vielleicht gelöscht).</translation>
    </message>
    <message>
        <source>Right-click a message to send it in a new conversation.</source>
        <translation>Klicken Sie mit der rechten Maustaste auf eine Nachricht, um sie in einem neuen Gespräch zu senden.</translation>
    </message>
    <message>
        <source>Start a new conversation to go on.</source>
        <translation>Beginnen Sie ein neues Gespräch, um fortzufahren.</translation>
    </message>
    <message>
        <source>Cannot reach the server to start a new conversation.</source>
        <translation>Der Server ist nicht erreichbar, um ein neues Gespräch zu beginnen.</translation>
    </message>
    <message>
        <source>What you wrote stays in the message box.</source>
        <translation>Ihr Text bleibt im Nachrichtenfeld erhalten.</translation>
    </message>
    <message>
        <source>Starting a new conversation…</source>
        <translation>Neues Gespräch wird begonnen…</translation>
    </message>
    <message>
        <source>The conversation could not be loaded from the server. Messages you write are kept.</source>
        <translation>Das Gespräch konnte nicht vom Server geladen werden. Nachrichten, die Sie schreiben, bleiben erhalten.</translation>
    </message>
    <message>
        <source>No conversation is open: start a new one to send what you wrote.</source>
        <translation>Kein Gespräch ist geöffnet: Beginnen Sie ein neues, um Ihren Text zu senden.</translation>
    </message>
    <message>
        <source>Conversation {date}</source>
        <translation>Gespräch {date}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>Free some disk space</source>
        <extracomment>The translation context of every error&apos;s words.</extracomment>
        <translation>Geben Sie Speicherplatz frei</translation>
    </message>
    <message>
        <source>Make the folder writable for this user (or free some disk space)</source>
        <translation>Machen Sie den Ordner für diesen Benutzer beschreibbar (oder geben Sie Speicherplatz frei)</translation>
    </message>
    <message>
        <source>the message could not be saved on this computer: {reason} ({path}). {advice}, then press Send again: your text is still in the message box</source>
        <translation>die Nachricht konnte auf diesem Computer nicht gespeichert werden: {reason} ({path}). {advice} und drücken Sie dann erneut auf Senden: Ihr Text steht noch im Nachrichtenfeld</translation>
    </message>
    <message>
        <source>the message could not be saved on this computer: {reason}. {advice}, then press Send again: your text is still in the message box</source>
        <translation>die Nachricht konnte auf diesem Computer nicht gespeichert werden: {reason}. {advice} und drücken Sie dann erneut auf Senden: Ihr Text steht noch im Nachrichtenfeld</translation>
    </message>
    <message>
        <source>the outbox on this computer could not be changed: {reason} ({path}). {advice}, then try again</source>
        <translation>die Nachrichten, die auf Versand warten, konnten auf diesem Computer nicht geändert werden: {reason} ({path}). {advice} und versuchen Sie es dann erneut</translation>
    </message>
    <message>
        <source>the outbox on this computer could not be changed: {reason}. {advice}, then try again</source>
        <translation>die Nachrichten, die auf Versand warten, konnten auf diesem Computer nicht geändert werden: {reason}. {advice} und versuchen Sie es dann erneut</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <translation>der Datenträger ist voll</translation>
    </message>
    <message>
        <source>the disk quota of this user is used up</source>
        <translation>das Speicherkontingent dieses Benutzers ist aufgebraucht</translation>
    </message>
    <message>
        <source>the file would be larger than this disk allows</source>
        <translation>die Datei wäre größer, als dieser Datenträger erlaubt</translation>
    </message>
    <message>
        <source>the disk is read-only</source>
        <translation>der Datenträger ist schreibgeschützt</translation>
    </message>
    <message>
        <source>this folder may not be written</source>
        <translation>in diesen Ordner darf nicht geschrieben werden</translation>
    </message>
    <message>
        <source>a part of its path is a file, not a folder</source>
        <translation>ein Teil des Pfads ist eine Datei, kein Ordner</translation>
    </message>
    <message>
        <source>its folder does not exist</source>
        <translation>der Ordner existiert nicht</translation>
    </message>
    <message>
        <source>it is a folder, not a file</source>
        <translation>es ist ein Ordner, keine Datei</translation>
    </message>
    <message>
        <source>the disk reported an error</source>
        <translation>der Datenträger hat einen Fehler gemeldet</translation>
    </message>
    <message>
        <source>sign in to the server first (it refused {path} without a session)</source>
        <extracomment>Largest JSON answer read into memory (a long history with citations stays far below). Largest error body of a failed download that is read for its ``&quot;error&quot;`` string. Longest server ``&quot;error&quot;`` string shown to a person; a longer one may quote anything. Largest summary PDF saved. Summaries are tens of KiB; this leaves room for a long one with pictures and still stops a server that never ends the file. Longest a summary download may take in all (connecting included). A summary of tens of KiB takes well under a second; this allows a slow link to bring even a large one (1 MiB at 9 KiB/s), and stops a server that trickles bytes forever, which the per-read timeout alone never would.</extracomment>
        <translation>melden Sie sich zuerst beim Server an (er hat {path} ohne Sitzung abgelehnt)</translation>
    </message>
    <message>
        <source>sign-in failed: the email address or password is not correct</source>
        <translation>Anmeldung fehlgeschlagen: E-Mail-Adresse oder Passwort ist nicht korrekt</translation>
    </message>
    <message>
        <source>the server refused the sign-in (HTTP 403): its security check failed; check the server URL and try again</source>
        <extracomment>The last failed request&apos;s technical detail (errno, host), for the diagnostics. What the server&apos;s answers proved about the session (core/session.py).</extracomment>
        <translation>der Server hat die Anmeldung abgelehnt (HTTP 403): seine Sicherheitsprüfung ist fehlgeschlagen; prüfen Sie die Server-URL und versuchen Sie es erneut</translation>
    </message>
    <message>
        <source>too many sign-in attempts (HTTP 429): wait, then retry</source>
        <translation>zu viele Anmeldeversuche (HTTP 429): warten Sie und versuchen Sie es dann erneut</translation>
    </message>
    <message>
        <source>the sign-in</source>
        <translation>die Anmeldung</translation>
    </message>
    <message>
        <source>the server accepted the sign-in but set no session cookie: check that the server URL uses the scheme and host the server expects</source>
        <translation>der Server hat die Anmeldung angenommen, aber kein Sitzungs-Cookie gesetzt: prüfen Sie, ob die Server-URL das Schema und den Host verwendet, die der Server erwartet</translation>
    </message>
    <message>
        <source>the conversation service</source>
        <translation>der Gesprächsdienst</translation>
    </message>
    <message>
        <source>the server answered with an invalid conversation id</source>
        <translation>der Server hat mit einer ungültigen Gesprächs-ID geantwortet</translation>
    </message>
    <message>
        <source>the summary of conversation {id}</source>
        <translation>die Zusammenfassung von Gespräch {id}</translation>
    </message>
    <message>
        <source>the server sent something other than the summary PDF</source>
        <translation>der Server hat etwas anderes als das PDF der Zusammenfassung gesendet</translation>
    </message>
    <message>
        <source>the summary download did not finish within {seconds} s: the connection is too slow or the server stalled; nothing was saved. Try again</source>
        <translation>das Herunterladen der Zusammenfassung wurde nicht innerhalb von {seconds} s fertig: Die Verbindung ist zu langsam oder der Server reagiert nicht mehr; nichts wurde gespeichert. Versuchen Sie es erneut</translation>
    </message>
    <message>
        <source>cannot reach the server: {why}</source>
        <translation>der Server ist nicht erreichbar: {why}</translation>
    </message>
    <message>
        <source>the server redirected to {origin} (HTTP {status}): check the server URL</source>
        <translation>der Server hat zu {origin} weitergeleitet (HTTP {status}): prüfen Sie die Server-URL</translation>
    </message>
    <message>
        <source>the server redirected {path} to another page (HTTP {status})</source>
        <translation>der Server hat {path} auf eine andere Seite weitergeleitet (HTTP {status})</translation>
    </message>
    <message>
        <source>the sign-in page</source>
        <translation>die Anmeldeseite</translation>
    </message>
    <message>
        <source>the server&apos;s sign-in page set no CSRF cookie: check the server URL</source>
        <translation>die Anmeldeseite des Servers hat kein CSRF-Cookie gesetzt: prüfen Sie die Server-URL</translation>
    </message>
    <message>
        <source>conversation {id}</source>
        <translation>Gespräch {id}</translation>
    </message>
    <message>
        <source>{what} was not found on the server (HTTP 404)</source>
        <translation>{what}: auf dem Server nicht gefunden (HTTP 404)</translation>
    </message>
    <message>
        <source>the server refused access to {what} (HTTP {status}): sign in again, or ask the administrator for access</source>
        <translation>der Server hat den Zugriff verweigert auf: {what} (HTTP {status}); melden Sie sich erneut an oder bitten Sie den Administrator um Zugriff</translation>
    </message>
    <message>
        <source>the server is busy (HTTP 429): wait a moment and try again</source>
        <translation>der Server ist ausgelastet (HTTP 429): warten Sie einen Moment und versuchen Sie es erneut</translation>
    </message>
    <message>
        <source>the server failed (HTTP {status}): try again later</source>
        <translation>auf dem Server ist ein Fehler aufgetreten (HTTP {status}): versuchen Sie es später erneut</translation>
    </message>
    <message>
        <source>unexpected answer from the server for {what} (HTTP {status})</source>
        <translation>unerwartete Antwort des Servers für {what} (HTTP {status})</translation>
    </message>
    <message>
        <source>the server&apos;s answer to {path} was not understood</source>
        <translation>die Antwort des Servers auf {path} wurde nicht verstanden</translation>
    </message>
    <message>
        <source>the server refused: {error}</source>
        <translation>der Server hat abgelehnt: {error}</translation>
    </message>
    <message>
        <source>the summary is not available for download (HTTP 404)</source>
        <translation>die Zusammenfassung steht nicht zum Herunterladen bereit (HTTP 404)</translation>
    </message>
    <message>
        <source>cannot download the summary: {error}</source>
        <translation>die Zusammenfassung kann nicht heruntergeladen werden: {error}</translation>
    </message>
    <message>
        <source>the server&apos;s answer to {path} was not JSON</source>
        <translation>die Antwort des Servers auf {path} war kein JSON</translation>
    </message>
    <message>
        <source>the server&apos;s answer to {path} is too large</source>
        <translation>die Antwort des Servers auf {path} ist zu groß</translation>
    </message>
    <message>
        <source>the summary is larger than {size}, far more than a summary can be: the download was stopped and nothing was saved. Try again later; if it happens again, tell your administrator</source>
        <translation>die Zusammenfassung ist größer als {size}, weit mehr, als eine Zusammenfassung sein kann: Das Herunterladen wurde abgebrochen und nichts gespeichert. Versuchen Sie es später erneut; wenn es wieder passiert, informieren Sie Ihren Administrator</translation>
    </message>
    <message>
        <source>Free some disk space or choose another folder</source>
        <translation>Geben Sie Speicherplatz frei oder wählen Sie einen anderen Ordner</translation>
    </message>
    <message>
        <source>Choose another folder</source>
        <translation>Wählen Sie einen anderen Ordner</translation>
    </message>
    <message>
        <source>The summary could not be saved to {path}: {reason}. {advice}, then download it again.</source>
        <translation>Die Zusammenfassung konnte nicht unter {path} gespeichert werden: {reason}. {advice} und laden Sie sie dann erneut herunter.</translation>
    </message>
    <message>
        <source>its certificate could not be verified</source>
        <translation>sein Zertifikat konnte nicht überprüft werden</translation>
    </message>
    <message>
        <source>no answer within {seconds} s</source>
        <translation>keine Antwort innerhalb von {seconds} s</translation>
    </message>
    <message>
        <source>the connection broke during the transfer</source>
        <translation>die Verbindung ist während der Übertragung abgebrochen</translation>
    </message>
    <message>
        <source>no connection could be made</source>
        <translation>es konnte keine Verbindung hergestellt werden</translation>
    </message>
    <message>
        <source>the connection failed</source>
        <translation>die Verbindung ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>the password store of this computer ({backend}) did not work ({error}): unlock it, or check that it runs, then try again</source>
        <extracomment>The entries&apos; service name, as the system&apos;s password manager shows it.</extracomment>
        <translation>der Passwortspeicher dieses Computers ({backend}) hat nicht funktioniert ({error}): Entsperren Sie ihn oder prüfen Sie, ob er läuft, und versuchen Sie es dann erneut</translation>
    </message>
    <message>
        <source>{problem}: the kiosk account cannot be kept on this computer</source>
        <translation>{problem}: Das Kiosk-Konto kann auf diesem Computer nicht gespeichert werden</translation>
    </message>
    <message>
        <source>system password store</source>
        <extracomment>The entries&apos; service name, as the system&apos;s password manager shows it. Browsers keep cookies of up to 4096 bytes; Django&apos;s session key is 32 characters. ``sessionid`` and ``__Secure-sessionid`` (and ``__Host-sessionid``) at most. Larger than any entry this module writes; a larger one is not ours to parse.</extracomment>
        <translation>Passwortspeicher des Systems</translation>
    </message>
    <message>
        <source>{problem}: you will be asked to sign in each time the app starts.</source>
        <extracomment>What is wrong with the store (the first half of a reason; the kiosk account&apos;s error says what it means for the account instead).</extracomment>
        <translation>{problem}: Sie werden bei jedem Start der App gebeten, sich anzumelden.</translation>
    </message>
    <message>
        <source>This computer has no password store ({store}) available</source>
        <translation>Auf diesem Computer ist kein Passwortspeicher ({store}) verfügbar</translation>
    </message>
    <message>
        <source>The password store of this computer ({store}) stayed locked</source>
        <translation>Der Passwortspeicher dieses Computers ({store}) blieb gesperrt</translation>
    </message>
    <message>
        <source>The password store of this computer ({store}) did not work</source>
        <translation>Der Passwortspeicher dieses Computers ({store}) hat nicht funktioniert</translation>
    </message>
    <message>
        <source>This message is too long to send ({size}; the limit is {limit}). Please shorten it.</source>
        <extracomment>Sends without delivery before a message is marked Failed (Retry starts again).</extracomment>
        <translation>Diese Nachricht ist zu lang zum Senden ({size}; die Grenze liegt bei {limit}). Bitte kürzen Sie sie.</translation>
    </message>
    <message>
        <source>{count} messages are already waiting to be sent in this conversation. Please wait until they are delivered, or delete failed ones.</source>
        <translation>In diesem Gespräch warten bereits {count} Nachrichten auf den Versand. Bitte warten Sie, bis sie zugestellt sind, oder löschen Sie fehlgeschlagene Nachrichten.</translation>
    </message>
    <message>
        <source>The messages waiting to be sent in this conversation already use {used} of {limit}. Please wait until they are delivered, or delete failed ones.</source>
        <translation>Die Nachrichten, die in diesem Gespräch auf den Versand warten, belegen bereits {used} von {limit}. Bitte warten Sie, bis sie zugestellt sind, oder löschen Sie fehlgeschlagene Nachrichten.</translation>
    </message>
    <message>
        <source>No unattended sign-in: {reason}.</source>
        <extracomment>Damaged files kept aside at start, in words for the window.</extracomment>
        <translation>Keine automatische Anmeldung: {reason}.</translation>
    </message>
    <message>
        <source>cannot use the demo data file {path} ({reason}): make it readable and writable for this user, or move it away to start without the demo conversations</source>
        <translation>Die Demo-Datendatei {path} kann nicht verwendet werden ({reason}): Machen Sie sie für diesen Benutzer les- und beschreibbar, oder verschieben Sie sie, um ohne die Demo-Gespräche zu starten</translation>
    </message>
    <message>
        <source>demo data</source>
        <translation>Demo-Daten</translation>
    </message>
    <message>
        <source>outbox</source>
        <translation>Postausgang</translation>
    </message>
    <message>
        <source>The {what} file {path} was damaged: it was kept as {kept} and a new one was started.</source>
        <translation>Die {what}-Datei {path} war beschädigt: Sie wurde als {kept} aufbewahrt, und eine neue wurde angelegt.</translation>
    </message>
</context>
<context>
    <name>presence</name>
    <message>
        <source>{milliseconds} ms</source>
        <translation>{milliseconds} ms</translation>
    </message>
    <message>
        <source>attempt {attempt}</source>
        <translation>Versuch {attempt}</translation>
    </message>
    <message>
        <source>attempt {attempt}/{max_attempts}</source>
        <translation>Versuch {attempt}/{max_attempts}</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>inaktiv</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>open</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>verbindet neu</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>{name}: {state}</source>
        <extracomment>A socket&apos;s name (&quot;Chat&quot;), then its state (&quot;open&quot;).</extracomment>
        <translation>{name}: {state}</translation>
    </message>
    <message>
        <source>last close {code} ({reason})</source>
        <extracomment>The WebSocket close code, and the reason the server gave (in its words).</extracomment>
        <translation>zuletzt getrennt: Code {code} ({reason})</translation>
    </message>
    <message>
        <source>last close {code}</source>
        <translation>zuletzt getrennt: Code {code}</translation>
    </message>
    <message>
        <source>latency {latency}</source>
        <translation>Latenz {latency}</translation>
    </message>
    <message>
        <source>Connected · {latency}</source>
        <translation>Verbunden · {latency}</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt…</translation>
    </message>
    <message>
        <source>Reconnecting in {seconds} s ({attempt})</source>
        <translation>Neuer Verbindungsversuch in {seconds} s ({attempt})</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbindung wird wiederhergestellt…</translation>
    </message>
    <message>
        <source>Offline — waiting for the network</source>
        <translation>Offline – Warten auf das Netzwerk</translation>
    </message>
    <message>
        <source>checking your sign-in</source>
        <translation>Anmeldung wird geprüft</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>nicht angemeldet</translation>
    </message>
    <message>
        <source>1 message not sent</source>
        <translation>1 Nachricht nicht gesendet</translation>
    </message>
    <message>
        <source>{count} messages not sent</source>
        <translation>{count} Nachrichten nicht gesendet</translation>
    </message>
    <message>
        <source>sending 1 message</source>
        <translation>1 Nachricht wird gesendet</translation>
    </message>
    <message>
        <source>sending {count} messages</source>
        <translation>{count} Nachrichten werden gesendet</translation>
    </message>
    <message>
        <source>You can keep writing: your messages are kept on this computer and sent as soon as the connection is back.</source>
        <translation>Sie können weiterschreiben: Ihre Nachrichten bleiben auf diesem Computer gespeichert und werden gesendet, sobald die Verbindung wieder besteht.</translation>
    </message>
    <message>
        <source>Connecting to the server…</source>
        <translation>Verbindung zum Server wird hergestellt…</translation>
    </message>
    <message>
        <source>The connection was lost. {status}.</source>
        <extracomment>{status} is the status bar&apos;s line, e.g. &quot;Reconnecting in 4 s (attempt 2)&quot;.</extracomment>
        <translation>Die Verbindung wurde unterbrochen. {status}.</translation>
    </message>
    <message>
        <source>This computer is offline. The app reconnects as soon as the network is back.</source>
        <translation>Dieser Computer ist offline. Die App verbindet sich neu, sobald das Netzwerk wieder da ist.</translation>
    </message>
    <message>
        <source>Cannot connect ({reason}). Trying again…</source>
        <translation>Keine Verbindung möglich ({reason}). Neuer Versuch…</translation>
    </message>
    <message>
        <source>Cannot connect ({reason}). Trying again in {seconds} s.</source>
        <translation>Keine Verbindung möglich ({reason}). Neuer Versuch in {seconds} s.</translation>
    </message>
    <message>
        <source>unknown reason</source>
        <translation>unbekannter Grund</translation>
    </message>
    <message>
        <source>Connection failed — {reason}</source>
        <translation>Verbindung fehlgeschlagen – {reason}</translation>
    </message>
    <message>
        <source>Connection failed — {reason} · trying again in {seconds} s</source>
        <translation>Verbindung fehlgeschlagen – {reason} · neuer Versuch in {seconds} s</translation>
    </message>
</context>
<context>
    <name>session</name>
    <message>
        <source>no kiosk account is stored for this server (an administrator runs sdm-desktop --store-credentials)</source>
        <extracomment>Said once when the password store cannot keep the session (plain words). Signs a kiosk&apos;s service account in with no dialog (None: a person signs in). The states in which there is no session to use: an unattended kiosk signs in.</extracomment>
        <translation>für diesen Server ist kein Kiosk-Konto gespeichert (ein Administrator führt sdm-desktop --store-credentials aus)</translation>
    </message>
    <message>
        <source>the kiosk account&apos;s email address or password is not correct (an administrator stores it again with sdm-desktop --store-credentials)</source>
        <translation>E-Mail-Adresse oder Passwort des Kiosk-Kontos sind nicht korrekt (ein Administrator speichert sie mit sdm-desktop --store-credentials neu)</translation>
    </message>
    <message>
        <source>an unexpected error ({name})</source>
        <translation>ein unerwarteter Fehler ({name})</translation>
    </message>
    <message>
        <source>The kiosk&apos;s session has ended: it is signing in again by itself.</source>
        <extracomment>When the latest request that confirmed the current cookie was sent (the caller&apos;s monotonic clock); -inf when none has. The session cookie&apos;s name ends with this: ``sessionid`` in development, ``__Secure-sessionid`` in production (PROTOCOL.md: never hard-code the name).</extracomment>
        <translation>Die Sitzung des Kiosks ist beendet: Er meldet sich selbst wieder an.</translation>
    </message>
    <message>
        <source>The kiosk is not signed in: it is signing in by itself.</source>
        <translation>Der Kiosk ist nicht angemeldet: Er meldet sich selbst an.</translation>
    </message>
    <message>
        <source>1 waiting message will be sent then.</source>
        <translation>1 wartende Nachricht wird dann gesendet.</translation>
    </message>
    <message>
        <source>{count} waiting messages will be sent then.</source>
        <translation>{count} wartende Nachrichten werden dann gesendet.</translation>
    </message>
    <message>
        <source>Your session has ended.</source>
        <translation>Ihre Sitzung ist beendet.</translation>
    </message>
    <message>
        <source>You are not signed in.</source>
        <translation>Sie sind nicht angemeldet.</translation>
    </message>
    <message>
        <source>Sign in to see this conversation and send messages.</source>
        <translation>Melden Sie sich an, um dieses Gespräch zu sehen und Nachrichten zu senden.</translation>
    </message>
    <message>
        <source>Sign in to send 1 waiting message: they are kept until then.</source>
        <translation>Melden Sie sich an, um 1 wartende Nachricht zu senden: Sie bleibt bis dahin erhalten.</translation>
    </message>
    <message>
        <source>Sign in to send {count} waiting messages: they are kept until then.</source>
        <translation>Melden Sie sich an, um {count} wartende Nachrichten zu senden: Sie bleiben bis dahin erhalten.</translation>
    </message>
    <message>
        <source>Not signed in: {reason}. Trying again by itself in {seconds} s; messages typed meanwhile are kept.</source>
        <translation>Nicht angemeldet: {reason}. Neuer Versuch von selbst in {seconds} s; inzwischen eingegebene Nachrichten bleiben erhalten.</translation>
    </message>
</context>
<context>
    <name>startup</name>
    <message>
        <source>Starting the demo server…</source>
        <translation>Demo-Server wird gestartet…</translation>
    </message>
    <message>
        <source>Signing in to the demo server…</source>
        <translation>Anmeldung am Demo-Server…</translation>
    </message>
    <message>
        <source>Connecting to {server}…</source>
        <translation>Verbindung zu {server} wird hergestellt…</translation>
    </message>
    <message>
        <source>SDM Desktop could not start. {reason}. Close this window, then start it again.</source>
        <translation>SDM Desktop konnte nicht starten. {reason}. Schließen Sie dieses Fenster und starten Sie SDM Desktop dann erneut.</translation>
    </message>
</context>
</TS>
