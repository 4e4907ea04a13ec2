/* Sahifa's desk editor: a right-to-left visual editor over the body's HTML textarea.
 *
 * Written on contenteditable rather than taken from an editor library: the libraries that
 * would do (ProseMirror, Tiptap, Lexical) come as npm packages to bundle, and the
 * README's two commands must not need Node. The schema is small and the server's
 * sanitiser is its one definition: every paste goes through /admin/body/clean, and every
 * save is reduced to the schema again, so this file only has to produce reasonable HTML.
 * Formatting uses the browser's editing commands, which keep the native undo history.
 *
 * Without this script the page is a plain HTML textarea and everything still works. */
(function () {
  'use strict';

  var doc = document;
  var textarea = doc.getElementById('body');
  var configNode = doc.getElementById('editor-config');
  if (!textarea || !configNode || !doc.execCommand || !window.fetch || !window.FormData) {
    return;
  }
  var config;
  try {
    config = JSON.parse(configNode.textContent);
  } catch (e) {
    return;
  }
  var form = textarea.form;
  var csrfInput = form.querySelector('input[name="_csrf"]');
  var csrf = csrfInput ? csrfInput.value : '';

  function t(key, args) {
    var text = (config.t && config.t[key]) || key;
    if (args) {
      Object.keys(args).forEach(function (name) {
        text = text.replace(new RegExp('\\{\\s*\\$' + name + '\\s*\\}', 'g'), args[name]);
      });
    }
    return text.replace(/[\u2068\u2069]/g, '');
  }

  function el(name, attrs, children) {
    var node = doc.createElement(name);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') {
        node.textContent = attrs[key];
      } else {
        node.setAttribute(key, attrs[key]);
      }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;');
  }

  function post(url, fields, accept) {
    var body = new URLSearchParams();
    body.set('_csrf', csrf);
    Object.keys(fields).forEach(function (k) { body.set(k, fields[k]); });
    return fetch(url, {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { Accept: accept || 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return accept === 'text/html' ? response.text() : response.json();
    });
  }

  /* ---- The editing surface ---- */

  var editable = el('div', {
    'class': 'rte-body article-body',
    contenteditable: 'true',
    role: 'textbox',
    'aria-multiline': 'true',
    'aria-labelledby': 'body-label',
    'aria-describedby': 'body-hint',
    id: 'rte-body',
    spellcheck: 'true'
  });
  editable.innerHTML = textarea.value;
  var status = doc.getElementById('autosave-status');
  var toolbar = el('div', { 'class': 'rte-toolbar', role: 'toolbar', 'aria-label': t('editor-toolbar'), 'aria-controls': 'rte-body' });
  var wrapper = el('div', { 'class': 'rte' }, [toolbar, editable]);
  textarea.parentNode.insertBefore(wrapper, textarea);
  textarea.hidden = true;
  textarea.classList.add('rte-html');
  doc.documentElement.classList.add('has-rte');

  try {
    doc.execCommand('defaultParagraphSeparator', false, 'p');
    doc.execCommand('styleWithCSS', false, false);
  } catch (e) { /* older engines: the server normalises what they make */ }

  function settleFigures() {
    // Embeds and images are edited through their dialogs, not letter by letter.
    Array.prototype.forEach.call(editable.querySelectorAll('figure.embed, figure img'), function (node) {
      var figure = node.closest ? node.closest('figure') : node;
      if (figure && figure.classList.contains('embed')) {
        figure.setAttribute('contenteditable', 'false');
      }
    });
  }
  settleFigures();

  function serialise() {
    var copy = editable.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll('[contenteditable]'), function (node) {
      node.removeAttribute('contenteditable');
    });
    // The browser keeps typed spaces visible with no-break spaces; stored prose wants
    // ordinary ones, which let lines wrap.
    return copy.innerHTML.replace(/&nbsp;/g, ' ');
  }

  var changed = false;   // since the page was loaded or last saved by the form
  var sourceMode = false;

  function sync() {
    if (!sourceMode) {
      textarea.value = serialise();
    }
  }

  /* ---- Commands ---- */

  function focusEditor() {
    if (doc.activeElement !== editable && !editable.contains(doc.activeElement)) {
      editable.focus();
    }
  }

  function exec(command, value) {
    focusEditor();
    doc.execCommand(command, false, value === undefined ? null : value);
    afterChange();
  }

  function currentBlock() {
    var selection = window.getSelection();
    if (!selection || !selection.rangeCount) {
      return null;
    }
    var node = selection.getRangeAt(0).startContainer;
    while (node && node !== editable) {
      if (node.nodeType === 1 && /^(P|H2|H3|H4|LI|BLOCKQUOTE|FIGCAPTION|TD|TH)$/.test(node.nodeName)) {
        return node;
      }
      node = node.parentNode;
    }
    return null;
  }

  function insertHtml(html) {
    focusEditor();
    doc.execCommand('insertHTML', false, html);
    settleFigures();
    afterChange();
  }

  /* The body's top-level block holding the caret. */
  function topBlock() {
    var selection = window.getSelection();
    var node = selection && selection.rangeCount ? selection.getRangeAt(0).startContainer : null;
    while (node && node.parentNode && node.parentNode !== editable) {
      node = node.parentNode;
    }
    return node && node.parentNode === editable ? node : null;
  }

  /* Blocks (figures, embeds, tables, several paragraphs) go between the body's blocks, not
     into the one the caret is in: the browser's own insertion splits paragraphs and
     figures in odd places. An empty block at the caret is replaced. */
  function insertBlocks(html) {
    focusEditor();
    var holder = doc.createElement('div');
    holder.innerHTML = html;
    var nodes = Array.prototype.slice.call(holder.childNodes).filter(function (n) {
      return n.nodeType === 1 || n.textContent.trim();
    });
    if (!nodes.length) {
      return;
    }
    var at = topBlock();
    var empty = at && !at.textContent.trim() && !(at.querySelector && at.querySelector('img, figure, table'));
    var after = null;
    nodes.forEach(function (node) {
      if (after) {
        after.parentNode.insertBefore(node, after.nextSibling);
      } else if (at && empty) {
        editable.replaceChild(node, at);
      } else if (at) {
        editable.insertBefore(node, at.nextSibling);
      } else {
        editable.appendChild(node);
      }
      after = node;
    });
    // The writer goes on typing in a paragraph after what was inserted.
    var next = after.nextSibling;
    if (!next || next.nodeName !== 'P') {
      next = doc.createElement('p');
      next.appendChild(doc.createElement('br'));
      editable.insertBefore(next, after.nextSibling);
    }
    var range = doc.createRange();
    range.setStart(next, 0);
    range.collapse(true);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    savedRange = range.cloneRange();
    settleFigures();
    afterChange();
  }

  var savedRange = null;
  function keepSelection() {
    var selection = window.getSelection();
    if (selection && selection.rangeCount && editable.contains(selection.getRangeAt(0).commonAncestorContainer)) {
      savedRange = selection.getRangeAt(0).cloneRange();
    }
  }
  function restoreSelection() {
    editable.focus();
    if (savedRange) {
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(savedRange);
    }
  }
  editable.addEventListener('keyup', keepSelection);
  editable.addEventListener('mouseup', keepSelection);
  editable.addEventListener('input', keepSelection);

  /* ---- Dialogs ---- */

  function dialog(titleText, fields, onSubmit, extra) {
    var box = el('dialog', { 'class': 'rte-dialog', 'aria-label': titleText });
    var f = el('form', { method: 'dialog', 'class': 'stack' });
    f.appendChild(el('h2', { text: titleText }));
    var inputs = {};
    fields.forEach(function (field) {
      var id = 'rte-' + field.name;
      f.appendChild(el('label', { 'for': id, text: field.label }));
      var input = el(field.multiline ? 'textarea' : 'input', { id: id, name: field.name, dir: field.dir || 'auto' });
      if (!field.multiline) {
        input.type = field.type || 'text';
      }
      input.value = field.value || '';
      inputs[field.name] = input;
      f.appendChild(input);
      if (field.hint) {
        f.appendChild(el('p', { 'class': 'hint', text: field.hint }));
      }
    });
    if (extra) {
      extra(f, inputs, box);
    }
    var ok = el('button', { type: 'submit', value: 'ok', 'class': 'primary', text: t('editor-insert') });
    var cancel = el('button', { type: 'submit', value: 'cancel', formnovalidate: '', text: t('editor-cancel') });
    f.appendChild(el('div', { 'class': 'actions' }, [ok, cancel]));
    box.appendChild(f);
    doc.body.appendChild(box);
    box.addEventListener('close', function () {
      var confirmed = box.returnValue === 'ok';
      var values = {};
      Object.keys(inputs).forEach(function (k) { values[k] = inputs[k].value.trim(); });
      box.parentNode.removeChild(box);
      restoreSelection();
      if (confirmed) {
        onSubmit(values);
      }
    });
    box.showModal();
    var first = fields.length ? inputs[fields[0].name] : ok;
    first.focus();
    return box;
  }

  function linkDialog() {
    keepSelection();
    var selection = window.getSelection();
    var anchor = selection && selection.anchorNode && selection.anchorNode.parentElement &&
      selection.anchorNode.parentElement.closest('a');
    // Read now: the dialog's own field takes the selection away.
    var collapsed = !savedRange || savedRange.collapsed;
    dialog(t('editor-link'), [
      { name: 'href', label: t('editor-link-url'), type: 'url', dir: 'ltr', value: anchor ? anchor.getAttribute('href') : 'https://' }
    ], function (values) {
      if (!values.href || values.href === 'https://') {
        exec('unlink');
        return;
      }
      if (collapsed && !anchor) {
        insertHtml('<a href="' + escapeHtml(values.href) + '">' + escapeHtml(values.href) + '</a>');
      } else {
        exec('createLink', values.href);
      }
    });
  }

  function embedDialog() {
    keepSelection();
    dialog(t('editor-embed'), [
      { name: 'url', label: t('editor-embed-url'), type: 'url', dir: 'ltr', hint: t('editor-embed-hint') }
    ], function (values) {
      if (values.url) {
        insertCleaned('<p>' + escapeHtml(values.url) + '</p>', true).then(function (html) {
          if (html.indexOf('class="embed"') < 0) {
            say(t('editor-embed-unknown'));
          }
        });
      }
    });
  }

  function figureHtml(image, alt, caption, credit) {
    var html = '<figure class="image"><img src="' + escapeHtml(image.url) + '" alt="' + escapeHtml(alt) + '"';
    if (image.width) {
      html += ' width="' + image.width + '" height="' + image.height + '"';
    }
    html += '>';
    if (caption || credit) {
      html += '<figcaption>' + escapeHtml(caption) +
        (credit ? ' <small class="credit">' + escapeHtml(credit) + '</small>' : '') + '</figcaption>';
    }
    return html + '</figure>';
  }

  function imageDialog(existing) {
    keepSelection();
    var chosen = null;
    var figcaption = existing && existing.querySelector('figcaption');
    var credit = figcaption && figcaption.querySelector('.credit');
    var captionText = figcaption ? figcaption.textContent.replace(credit ? credit.textContent : '', '').trim() : '';
    var img = existing && existing.querySelector('img');
    dialog(existing ? t('editor-image-edit') : t('editor-image'), [
      { name: 'alt', label: t('editor-alt'), value: img ? img.getAttribute('alt') : '' },
      { name: 'caption', label: t('editor-caption'), value: captionText },
      { name: 'credit', label: t('editor-credit'), value: credit ? credit.textContent : '' }
    ], function (values) {
      if (existing && img) {
        var image = { url: img.getAttribute('src'), width: img.getAttribute('width'), height: img.getAttribute('height') };
        if (chosen) {
          image = chosen;
        }
        var holder = el('div');
        holder.innerHTML = figureHtml(image, values.alt, values.caption, values.credit);
        existing.parentNode.replaceChild(holder.firstChild, existing);
        afterChange();
        return;
      }
      if (chosen) {
        insertBlocks(figureHtml(chosen, values.alt, values.caption, values.credit));
      }
    }, function (f, inputs, box) {
      if (existing) {
        return;
      }
      var fileLabel = el('label', { 'for': 'rte-file', text: t('editor-upload') });
      var file = el('input', { id: 'rte-file', type: 'file', accept: 'image/jpeg,image/png,image/webp' });
      var note = el('p', { 'class': 'hint', text: t('editor-upload-hint') });
      var grid = el('div', { 'class': 'rte-library', role: 'group', 'aria-label': t('editor-library') });
      f.insertBefore(note, f.firstChild.nextSibling);
      f.insertBefore(file, note);
      f.insertBefore(fileLabel, file);
      f.appendChild(el('p', { text: t('editor-library') }));
      f.appendChild(grid);
      file.addEventListener('change', function () {
        if (!file.files || !file.files[0]) {
          return;
        }
        upload(file.files[0], inputs.alt.value, inputs.caption.value).then(function (image) {
          chosen = image;
          inputs.credit.value = inputs.credit.value || image.credit || '';
          box.querySelector('button[value="ok"]').focus();
        }).catch(function () {});
      });
      fetch(config.library, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          if (!data.items.length) {
            grid.appendChild(el('p', { 'class': 'hint', text: t('editor-library-empty') }));
          }
          data.items.forEach(function (item) {
            var button = el('button', { type: 'button', 'class': 'rte-pick', 'aria-pressed': 'false', 'aria-label': item.alt || item.caption || String(item.id) }, [
              el('img', { src: item.thumb, alt: '', width: '96', height: '54', loading: 'lazy' })
            ]);
            button.addEventListener('click', function () {
              chosen = item;
              Array.prototype.forEach.call(grid.querySelectorAll('.rte-pick'), function (b) { b.setAttribute('aria-pressed', 'false'); });
              button.setAttribute('aria-pressed', 'true');
              inputs.alt.value = inputs.alt.value || item.alt;
              inputs.caption.value = inputs.caption.value || item.caption;
              inputs.credit.value = inputs.credit.value || item.credit;
            });
            grid.appendChild(button);
          });
        })
        .catch(function () {});
    });
  }

  function upload(fileObject, alt, caption) {
    var data = new FormData();
    data.append('_csrf', csrf);
    data.append('alt', alt || '');
    data.append('caption', caption || '');
    data.append('file', fileObject, fileObject.name || 'image');
    say(t('editor-uploading'));
    return fetch(config.upload, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok) {
          throw new Error(json.error || String(response.status));
        }
        say('');
        return json;
      });
    }).catch(function (err) {
      say(t('editor-upload-failed', { reason: err.message }));
      throw err;
    });
  }

  function uploadInPlace(files) {
    Array.prototype.forEach.call(files, function (fileObject) {
      if (!/^image\//.test(fileObject.type)) {
        return;
      }
      upload(fileObject, '', '').then(function (image) {
        restoreSelection();
        insertBlocks(figureHtml(image, image.alt, image.caption, image.credit));
      }).catch(function () {});
    });
  }

  /* ---- Paste and drop: the server reduces them to the schema ---- */

  function insertCleaned(html, asBlock) {
    return post(config.clean, { html: html }, 'text/html').then(function (cleaned) {
      restoreSelection();
      var single = /^<p[^>]*>([\s\S]*)<\/p>\s*$/.exec(cleaned.trim());
      if (!asBlock && single && single[1].indexOf('<p') < 0) {
        insertHtml(single[1]);
      } else {
        insertBlocks(cleaned);
      }
      return cleaned;
    });
  }

  var URL_ALONE = /^https?:\/\/\S+$/;

  editable.addEventListener('paste', function (event) {
    var data = event.clipboardData;
    if (!data) {
      return;
    }
    if (data.files && data.files.length) {
      event.preventDefault();
      keepSelection();
      uploadInPlace(data.files);
      return;
    }
    var html = data.getData('text/html');
    var text = data.getData('text/plain');
    event.preventDefault();
    keepSelection();
    var trimmed = (text || '').trim();
    if (!html && URL_ALONE.test(trimmed)) {
      var block = currentBlock();
      var empty = !block || !block.textContent.trim();
      if (empty) {
        // A URL on its own line: an embed when it is a known provider's post.
        insertCleaned('<p>' + escapeHtml(trimmed) + '</p>', true);
      } else {
        insertHtml('<a href="' + escapeHtml(trimmed) + '">' + escapeHtml(trimmed) + '</a>');
      }
      return;
    }
    insertCleaned(html || escapeHtml(text || ''), false).catch(function () {
      restoreSelection();
      doc.execCommand('insertText', false, text || '');
      say(t('editor-paste-failed'));
      afterChange();
    });
  });

  editable.addEventListener('dragover', function (event) {
    if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], 'Files') >= 0) {
      event.preventDefault();
    }
  });
  editable.addEventListener('drop', function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) {
      return;
    }
    event.preventDefault();
    var range = doc.caretRangeFromPoint ? doc.caretRangeFromPoint(event.clientX, event.clientY) : null;
    if (range) {
      savedRange = range;
    }
    uploadInPlace(files);
  });

  editable.addEventListener('dblclick', function (event) {
    var figure = event.target.closest && event.target.closest('figure.image');
    if (figure) {
      imageDialog(figure);
    }
  });

  /* ---- Toolbar and shortcuts ---- */

  var buttons = [
    ['p', 'editor-paragraph', '¶', function () { exec('formatBlock', 'p'); }],
    ['h2', 'editor-h2', 'ع٢', function () { exec('formatBlock', 'h2'); }, 'Control+Alt+2'],
    ['h3', 'editor-h3', 'ع٣', function () { exec('formatBlock', 'h3'); }, 'Control+Alt+3'],
    ['bold', 'editor-bold', 'B', function () { exec('bold'); }, 'Control+B'],
    ['italic', 'editor-italic', 'I', function () { exec('italic'); }, 'Control+I'],
    ['link', 'editor-link', '↗', linkDialog, 'Control+K'],
    ['ul', 'editor-ul', '•', function () { exec('insertUnorderedList'); }, 'Control+Shift+8'],
    ['ol', 'editor-ol', '١.', function () { exec('insertOrderedList'); }, 'Control+Shift+7'],
    ['quote', 'editor-quote', '”', function () { exec('formatBlock', 'blockquote'); }],
    ['pullquote', 'editor-pullquote', '❝', function () {
      exec('formatBlock', 'blockquote');
      var block = currentBlock();
      var quote = block && (block.nodeName === 'BLOCKQUOTE' ? block : block.closest('blockquote'));
      if (quote) {
        quote.className = 'pull-quote';
        afterChange();
      }
    }],
    ['image', 'editor-image', '▣', function () { imageDialog(null); }],
    ['embed', 'editor-embed', '▶', embedDialog],
    ['table', 'editor-table', '▦', function () {
      var head = escapeHtml(t('editor-table-header'));
      insertBlocks('<table><thead><tr><th>' + head + '</th><th>' + head + '</th></tr></thead>' +
        '<tbody><tr><td><br></td><td><br></td></tr><tr><td><br></td><td><br></td></tr></tbody></table>');
    }],
    ['hr', 'editor-hr', '—', function () { exec('insertHorizontalRule'); }],
    ['undo', 'editor-undo', '↶', function () { exec('undo'); }, 'Control+Z'],
    ['redo', 'editor-redo', '↷', function () { exec('redo'); }, 'Control+Y'],
    ['source', 'editor-source', '</>', toggleSource]
  ];
  var sourceButton = null;
  buttons.forEach(function (spec) {
    var button = el('button', {
      type: 'button',
      'class': 'rte-button rte-' + spec[0],
      'data-command': spec[0],
      'aria-label': t(spec[1]),
      title: t(spec[1]),
      text: spec[2]
    });
    if (spec[4]) {
      button.setAttribute('aria-keyshortcuts', spec[4]);
    }
    if (spec[0] === 'source') {
      button.setAttribute('aria-pressed', 'false');
      sourceButton = button;
    }
    // Keep the selection in the text when a button is pressed with the mouse.
    button.addEventListener('mousedown', function (event) { event.preventDefault(); });
    button.addEventListener('click', spec[3]);
    toolbar.appendChild(button);
  });

  function toggleSource() {
    sourceMode = !sourceMode;
    if (sourceMode) {
      textarea.value = serialise();
      textarea.hidden = false;
      editable.hidden = true;
      textarea.focus();
    } else {
      editable.innerHTML = textarea.value;
      settleFigures();
      textarea.hidden = true;
      editable.hidden = false;
      editable.focus();
    }
    sourceButton.setAttribute('aria-pressed', String(sourceMode));
    Array.prototype.forEach.call(toolbar.querySelectorAll('.rte-button'), function (b) {
      if (b !== sourceButton) {
        b.disabled = sourceMode;
      }
    });
  }

  editable.addEventListener('keydown', function (event) {
    var mod = event.ctrlKey || event.metaKey;
    if (!mod) {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === 'k') {
      event.preventDefault();
      linkDialog();
    } else if (event.altKey && (key === '2' || key === '3' || key === '4' || key === '0')) {
      event.preventDefault();
      exec('formatBlock', key === '0' ? 'p' : 'h' + key);
    } else if (event.shiftKey && (event.code === 'Digit7' || event.code === 'Digit8')) {
      event.preventDefault();
      exec(event.code === 'Digit7' ? 'insertOrderedList' : 'insertUnorderedList');
    }
  });

  /* ---- Never lose work: autosave, the leave warning, the lock ---- */

  var AUTOSAVE_IDLE_MS = 2000;
  var AUTOSAVE_MAX_MS = 10000;
  var idleTimer = null;
  var lastSaved = Date.now();
  var pendingSince = null;
  var stopped = false;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function formFields() {
    sync();
    var fields = {};
    new FormData(form).forEach(function (value, key) {
      if (typeof value === 'string' && key !== '_csrf' && key !== 'action') {
        fields[key] = value;
      }
    });
    return fields;
  }

  function autosave() {
    idleTimer = null;
    if (stopped || pendingSince === null) {
      return;
    }
    pendingSince = null;
    lastSaved = Date.now();
    post(config.autosave, formFields()).then(function (answer) {
      say(answer.message);
    }).catch(function () {
      pendingSince = pendingSince || Date.now();
      say(t('editor-autosave-failed'));
    });
  }

  function afterChange() {
    changed = true;
    sync();
    if (stopped) {
      return;
    }
    pendingSince = pendingSince || Date.now();
    if (idleTimer) {
      clearTimeout(idleTimer);
    }
    // A few seconds after typing stops, and at least every ten seconds while it goes on.
    var wait = Date.now() - lastSaved > AUTOSAVE_MAX_MS ? 0 : AUTOSAVE_IDLE_MS;
    idleTimer = setTimeout(autosave, wait);
  }

  editable.addEventListener('input', afterChange);
  form.addEventListener('input', function (event) {
    if (event.target !== editable) {
      afterChange();
    }
  });
  form.addEventListener('change', afterChange);

  form.addEventListener('submit', function (event) {
    var submitter = event.submitter;
    if (sourceMode) {
      editable.innerHTML = textarea.value;
    } else {
      sync();
    }
    // A preview opens in its own tab; the writer stays with unsaved work here.
    if (!submitter || submitter.value !== 'preview') {
      changed = false;
      stopped = true;
    }
  });

  window.addEventListener('beforeunload', function (event) {
    if (!changed) {
      return undefined;
    }
    // The autosave keeps the text, but it is not the article until saved.
    if (pendingSince !== null) {
      autosave();
    }
    event.preventDefault();
    event.returnValue = t('editor-unsaved');
    return event.returnValue;
  });

  var lockBanner = null;
  function heartbeat() {
    if (!config.lock || stopped) {
      return;
    }
    post(config.lock, {}).then(function (answer) {
      if (answer.mine || lockBanner) {
        return;
      }
      // Someone took the article over: stop writing over their work.
      stopped = true;
      lockBanner = el('p', { 'class': 'error-box lock-lost', role: 'alert', text: answer.message });
      form.parentNode.insertBefore(lockBanner, form);
    }).catch(function () {});
  }
  if (config.lock && !doc.querySelector('.lock-box')) {
    setInterval(heartbeat, 30000);
  }

  /* ---- The schedule in words, in the site's time zone ---- */

  var date = doc.getElementById('publish_date');
  var time = doc.getElementById('publish_time');
  var words = doc.getElementById('schedule-words');
  function showSchedule() {
    if (!words || !date) {
      return;
    }
    if (!date.value) {
      words.textContent = t('editor-schedule-none');
      return;
    }
    // The fields are the site's local time; shown back as a date in words.
    var parts = date.value.split('-').map(Number);
    var hm = (time && time.value ? time.value : '00:00').split(':').map(Number);
    var local = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], hm[0], hm[1]));
    var text;
    try {
      text = new Intl.DateTimeFormat(config.lang, {
        weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
        hour: 'numeric', minute: '2-digit', timeZone: 'UTC'
      }).format(local);
    } catch (e) {
      text = date.value + ' ' + (time ? time.value : '');
    }
    words.textContent = t('editor-schedule-at', { when: text + ' (' + config.timeZone + ')' });
  }
  if (date) {
    date.addEventListener('input', showSchedule);
    if (time) {
      time.addEventListener('input', showSchedule);
    }
    showSchedule();
  }
})();
