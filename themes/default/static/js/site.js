/* Sahifa default theme: progressive enhancement only. Every page works without this file. */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  if (!root || !root.classList) {
    return;
  }
  root.classList.add('js');

  var SHOW_AFTER = 400; // px scrolled before the back-to-top button appears
  var COPIED_MS = 2000;

  function prefersReducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function scrollOffset() {
    return window.pageYOffset || root.scrollTop || (doc.body && doc.body.scrollTop) || 0;
  }

  /* Back to top: hidden (visibility:hidden, so out of the tab order) until the reader scrolls. */
  function initBackToTop() {
    var button = doc.querySelector('.back-to-top');
    if (!button) {
      return;
    }
    function update() {
      if (scrollOffset() > SHOW_AFTER) {
        button.classList.add('is-visible');
      } else {
        button.classList.remove('is-visible');
      }
    }

    // Browsers already fire scroll at most once a frame, and update() only flips a class.
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('pageshow', update);
    update();
    // Fades are switched on only after the first state is painted, so the button does not
    // visibly fade out on every page load when the js class first hides it.
    if (window.requestAnimationFrame) {
      window.requestAnimationFrame(function () {
        window.requestAnimationFrame(function () {
          button.classList.add('can-animate');
        });
      });
    }

    button.addEventListener('click', function (event) {
      event.preventDefault();
      var behavior = prefersReducedMotion() ? 'auto' : 'smooth';
      try {
        window.scrollTo({ top: 0, behavior: behavior });
      } catch (e) {
        window.scrollTo(0, 0);
      }
      focusTop();
    });
  }

  /* Move keyboard focus to the top of the page without fighting the smooth scroll. */
  function focusTop() {
    var target = doc.getElementById('top') || doc.body;
    if (!target || typeof target.focus !== 'function') {
      return;
    }
    if (!target.hasAttribute('tabindex')) {
      target.setAttribute('tabindex', '-1');
    }
    try {
      target.focus({ preventScroll: true });
    } catch (e) {
      target.focus();
    }
  }

  /* "Copy link" share button: a plain link without JS; copies with JS. */
  function initCopyLinks() {
    var links = doc.querySelectorAll('a[data-copy]');
    for (var i = 0; i < links.length; i++) {
      bindCopy(links[i]);
    }
  }

  function bindCopy(link) {
    link.addEventListener('click', function (event) {
      if (event.defaultPrevented || event.button !== 0 ||
          event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return; // let the browser open the link in a new tab/window as asked
      }
      var clipboard = navigator.clipboard;
      if (!clipboard || typeof clipboard.writeText !== 'function') {
        return; // no clipboard: follow the link
      }
      var href = link.href;
      // The clipboard answers asynchronously, so hold the navigation now and
      // follow the link after all if the copy fails.
      event.preventDefault();
      var request;
      try {
        request = clipboard.writeText(href);
      } catch (e) {
        window.location.href = href;
        return;
      }
      Promise.resolve(request).then(function () {
        showCopied(link);
      }, function () {
        window.location.href = href;
      });
    });
  }

  function showCopied(link) {
    var message = link.getAttribute('data-copied');
    if (!message) {
      return;
    }
    var label = link.querySelector('.share-label') || link;
    if (link._sahifaTimer) {
      window.clearTimeout(link._sahifaTimer);
    } else {
      link._sahifaLabel = label.textContent;
    }
    label.textContent = message;
    link.classList.add('is-copied');

    var box = link.closest ? link.closest('.article-share') : null;
    var status = box ? box.querySelector('.share-status') : null;
    if (status) {
      status.textContent = message;
    }

    link._sahifaTimer = window.setTimeout(function () {
      label.textContent = link._sahifaLabel;
      link.classList.remove('is-copied');
      link._sahifaTimer = null;
      if (status) {
        status.textContent = '';
      }
    }, COPIED_MS);
  }

  function init() {
    initBackToTop();
    initCopyLinks();
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();

/* Comments (issue 4): the article page is cached and carries no per-reader data, so this
   script adds what is personal or short-lived: a fresh CAPTCHA challenge from
   /api/v1/comments/challenge (so one POST suffices), the "remember me" prefill, and
   in-place reply links. Without it the server asks the question on a second step. */
(function () {
  'use strict';
  var doc = document;

  function readRemembered() {
    var match = doc.cookie.match(/(?:^|;\s*)sahifa_commenter=([^;]*)/);
    if (!match) {
      return null;
    }
    try {
      var params = new URLSearchParams(decodeURIComponent(match[1]));
      return { name: params.get('name') || '', email: params.get('email') || '', url: params.get('url') || '' };
    } catch (e) {
      return null;
    }
  }

  function fill(form, name, value) {
    var field = form.querySelector('[name="' + name + '"]');
    if (field && !field.value && value) {
      field.value = value;
    }
  }

  function loadChallenge(form) {
    var box = form.querySelector('[data-captcha]');
    if (!box || !window.fetch) {
      return;
    }
    // A form the server already filled (the second step) keeps its own challenge.
    if (box.querySelector('[name="captcha_token"]') && !form._sahifaChallenge) {
      return;
    }
    // A challenge is bound to its article: the slug is the form's action's own segment.
    var slug = (form.getAttribute('action') || '').match(/\/article\/([^\/?#]+)\/comments/);
    if (!slug) {
      return;
    }
    fetch('/api/v1/comments/challenge?article=' + slug[1], { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.token) {
          return;
        }
        form._sahifaChallenge = true;
        while (box.firstChild) {
          box.removeChild(box.firstChild);
        }
        var token = doc.createElement('input');
        token.type = 'hidden';
        token.name = 'captcha_token';
        token.value = data.token;
        box.appendChild(token);
        if (data.question) {
          var label = doc.createElement('label');
          label.htmlFor = 'captcha_answer';
          label.appendChild(doc.createTextNode(data.label + ' '));
          var q = doc.createElement('span');
          q.className = 'comment-captcha-question';
          q.dir = 'rtl';
          q.textContent = data.question;
          label.appendChild(q);
          var req = doc.createElement('span');
          req.className = 'required';
          req.setAttribute('aria-hidden', 'true');
          req.textContent = ' *';
          label.appendChild(req);
          var input = doc.createElement('input');
          input.id = 'captcha_answer';
          input.name = 'captcha_answer';
          input.type = 'text';
          input.required = true;
          input.autocomplete = 'off';
          input.maxLength = 40;
          box.appendChild(label);
          box.appendChild(input);
        }
        // Fetch a new one shortly before this one expires.
        var ttl = Math.max(30, (data.expires_in || 300) - 15) * 1000;
        window.clearTimeout(form._sahifaRefresh);
        form._sahifaRefresh = window.setTimeout(function () { loadChallenge(form); }, ttl);
      })
      .catch(function () { /* the server's second step still works */ });
  }

  function initReplies(form) {
    var respond = doc.getElementById('respond');
    var parent = form.querySelector('[data-parent-id]');
    var cancel = respond ? respond.querySelector('.comment-cancel-reply') : null;
    var home = respond ? respond.parentNode : null;
    var anchor = respond ? respond.nextSibling : null;
    if (!respond || !parent) {
      return;
    }
    doc.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('[data-reply-to]') : null;
      if (!link) {
        return;
      }
      var li = link.closest('li');
      if (!li) {
        return;
      }
      event.preventDefault();
      parent.value = link.getAttribute('data-reply-to');
      li.appendChild(respond);
      if (cancel) {
        cancel.hidden = false;
      }
      var text = form.querySelector('textarea');
      if (text) {
        text.focus();
      }
    });
    if (cancel) {
      cancel.addEventListener('click', function (event) {
        event.preventDefault();
        parent.value = '';
        home.insertBefore(respond, anchor);
        cancel.hidden = true;
      });
    }
  }

  function initComments() {
    var form = doc.querySelector('[data-comment-form]');
    if (!form) {
      return;
    }
    var saved = readRemembered();
    if (saved) {
      fill(form, 'author', saved.name);
      fill(form, 'email', saved.email);
      fill(form, 'url', saved.url);
      var remember = form.querySelector('[name="remember"]');
      if (remember) {
        remember.checked = true;
      }
    }
    var started = false;
    form.addEventListener('focusin', function () {
      if (!started) {
        started = true;
        loadChallenge(form);
      }
    });
    initReplies(form);
  }

  /* Search suggestions: headlines and tags completing what is typed, offered through a
     <datalist> on every search box, so the browser's own accessible list shows them. */
  var SUGGEST_DELAY_MS = 150;
  function initSuggest() {
    var inputs = doc.querySelectorAll('input[type="search"][name="q"]');
    Array.prototype.forEach.call(inputs, function (input, n) {
      var list = doc.createElement('datalist');
      list.id = 'search-suggestions-' + n;
      input.parentNode.appendChild(list);
      input.setAttribute('list', list.id);
      var timer = null;
      var asked = '';
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var typed = input.value;
          if (typed === asked) {
            return;
          }
          asked = typed;
          fetch('/api/v1/search/suggest?q=' + encodeURIComponent(typed), { credentials: 'omit' })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (data) {
              if (!data || input.value !== typed) {
                return;
              }
              while (list.firstChild) {
                list.removeChild(list.firstChild);
              }
              data.suggestions.forEach(function (s) {
                var option = doc.createElement('option');
                option.value = s.text;
                list.appendChild(option);
              });
            })
            .catch(function () { /* suggestions are a convenience; the form still works */ });
        }, SUGGEST_DELAY_MS);
      });
    });
  }

  /* Embedded posts: each card is a link to the post; a click swaps in the provider's frame.
     Until then the page has made no request to the provider (the CSP allows its frame
     origin, and only on pages that embed it). */
  function initEmbeds() {
    var cards = doc.querySelectorAll('a.embed-load[data-frame]');
    Array.prototype.forEach.call(cards, function (link) {
      link.addEventListener('click', function (event) {
        if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
          return; // a new tab or window opens the post itself
        }
        event.preventDefault();
        var frame = doc.createElement('iframe');
        frame.src = link.getAttribute('data-frame');
        frame.title = link.getAttribute('data-frame-title') || '';
        frame.className = 'embed-frame';
        frame.height = link.getAttribute('data-height') || '400';
        frame.setAttribute('allow', 'autoplay; encrypted-media; picture-in-picture; fullscreen; clipboard-write');
        frame.setAttribute('allowfullscreen', '');
        frame.setAttribute('referrerpolicy', 'strict-origin-when-cross-origin');
        frame.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation');
        var card = link.parentNode;
        card.classList.add('is-loaded');
        card.replaceChild(frame, link);
        frame.focus();
      });
    });
  }

  function initAll() {
    initComments();
    initSuggest();
    initEmbeds();
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', initAll);
  } else {
    initAll();
  }
})();
