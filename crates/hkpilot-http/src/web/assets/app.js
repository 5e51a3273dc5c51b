// HKPilot's page enhancements: uploads with progress, live job progress over SSE,
// citations that highlight their passage, copy. Every page works without this file;
// it only makes the same actions smoother.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var text = function (key) {
    var el = document.getElementById("i18n");
    if (!el) return key;
    try { return JSON.parse(el.textContent)[key] || key; } catch (e) { return key; }
  };

  // ---- uploads -------------------------------------------------------------
  var drop = document.getElementById("drop");
  var picker = document.getElementById("file");
  var list = document.getElementById("uploads");
  function upload(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    var state = document.createElement("span");
    state.setAttribute("role", "status");
    state.textContent = text("uploading");
    li.append(name, bar, state);
    list.appendChild(li);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents?file_name=" + encodeURIComponent(file.name));
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        bar.value = 100;
        state.textContent = text("processing");
        follow(body.job_id, function (ev) {
          state.textContent = ev.state === "succeeded" ? text("ready") : (ev.error || text(ev.state));
          if (ev.state === "succeeded") setTimeout(function () { location.reload(); }, 400);
        });
      } else {
        state.className = "error";
        state.textContent = (body.error && body.error.message) || (xhr.status + " " + xhr.statusText);
      }
    };
    xhr.onerror = function () { state.className = "error"; state.textContent = text("upload_failed"); };
    xhr.send(file);
  }
  function uploadAll(files) { for (var i = 0; i < files.length; i++) upload(files[i]); }
  if (drop && picker && list) {
    drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault(); drop.classList.remove("over");
      uploadAll(e.dataTransfer.files);
    });
    var form = picker.form;
    if (form) form.addEventListener("submit", function (e) {
      e.preventDefault();
      uploadAll(picker.files);
      picker.value = "";
    });
  }

  // ---- job progress ---------------------------------------------------------
  function follow(jobId, onEnd) {
    if (!jobId || !window.EventSource) return;
    var src = new EventSource("/api/jobs/" + encodeURIComponent(jobId) + "/events");
    src.onmessage = function (m) {
      var ev = JSON.parse(m.data);
      document.querySelectorAll('[data-job="' + jobId + '"]').forEach(function (box) {
        var bar = box.querySelector(".bar > span");
        var label = box.querySelector(".phase");
        if (bar && ev.total > 0) bar.style.width = Math.min(100, (100 * ev.done) / ev.total) + "%";
        if (label) label.textContent = ev.phase ? text(ev.phase) + (ev.total > 0 ? " " + ev.done + "/" + ev.total : "") : text(ev.state);
      });
      if (["succeeded", "failed", "cancelled"].indexOf(ev.state) >= 0) {
        src.close();
        if (onEnd) onEnd(ev);
      }
    };
    src.onerror = function () { /* the browser reconnects by itself */ };
  }
  document.querySelectorAll("[data-job]").forEach(function (box) {
    follow(box.getAttribute("data-job"), function () { location.reload(); });
  });

  // ---- citations ----------------------------------------------------------------
  function clearMarks() {
    document.querySelectorAll(".source mark").forEach(function (m) {
      var parent = m.parentNode;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    document.querySelectorAll(".source .hit").forEach(function (b) { b.classList.remove("hit"); });
  }
  function highlight(link) {
    var block = document.getElementById("b" + link.getAttribute("data-block"));
    if (!block) return false;
    clearMarks();
    block.classList.add("hit");
    var base = parseInt(block.getAttribute("data-start"), 10);
    var from = parseInt(link.getAttribute("data-start"), 10) - base;
    var to = parseInt(link.getAttribute("data-end"), 10) - base;
    var node = block.firstChild;
    // Plain-text blocks only: offsets count characters, as the server does.
    if (block.childNodes.length === 1 && node.nodeType === 3) {
      var chars = Array.from(node.textContent);
      from = Math.max(0, Math.min(from, chars.length));
      to = Math.max(from, Math.min(to, chars.length));
      var mark = document.createElement("mark");
      mark.textContent = chars.slice(from, to).join("");
      block.textContent = "";
      block.append(chars.slice(0, from).join(""), mark, chars.slice(to).join(""));
    }
    block.scrollIntoView({ block: "center", behavior: "smooth" });
    block.focus({ preventScroll: true });
    return true;
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.cite");
    if (link && highlight(link)) {
      e.preventDefault();
      history.replaceState(null, "", "#b" + link.getAttribute("data-block"));
    }
  });

  // ---- copy ---------------------------------------------------------------------
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () {
      var src = document.getElementById(b.getAttribute("data-copy"));
      if (!src || !navigator.clipboard) return;
      navigator.clipboard.writeText(src.innerText).then(function () {
        b.textContent = text("copied");
      });
    });
  });
})();
